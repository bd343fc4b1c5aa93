"""Pictures of learning. Import explicitly: `from microdl import viz` (loads matplotlib).

Every function works headless, returns a Figure/Axes (taking `ax=` where a single panel
makes sense) or a graph object with `.save(path)`, and never calls plt.show() itself.
"""
