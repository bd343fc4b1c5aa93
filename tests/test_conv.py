"""conv2d and pooling: finite differences over random shapes, strides, padding; ties; errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microdl.nn.functional as F
from microdl import Tensor, gradcheck
from tensor_strategies import array, seeds


@st.composite
def conv_cases(draw):
    n, c, f = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = draw(st.sampled_from([1, 2, 3, (1, 2), (2, 1)]))
    padding = draw(st.sampled_from([0, 1, 2, (0, 1)]))
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    h = draw(st.integers(max(1, kh - 2 * ph), 7))
    w = draw(st.integers(max(1, kw - 2 * pw), 7))
    return (n, c, h, w), (f, c, kh, kw), stride, padding


@settings(max_examples=40, deadline=None)
@given(conv_cases(), seeds, st.booleans())
def test_conv2d_matches_finite_differences(case, seed, with_bias):
    x_shape, w_shape, stride, padding = case
    x, w, b = array(seed, x_shape), array(seed + 1, w_shape), array(seed + 2, w_shape[:1])
    if with_bias:
        gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride, padding), x, w, b)
    else:
        gradcheck(lambda x, w: F.conv2d(x, w, None, stride, padding), x, w)


def test_conv2d_forward_is_a_cross_correlation():
    """Lesson 8's worked example: a 5x5 input and a 3x3 kernel -> a 3x3 feature map, by hand."""
    image = np.arange(25.0).reshape(1, 1, 5, 5)
    kernel = np.array([[1.0, 0, -1], [1, 0, -1], [1, 0, -1]]).reshape(1, 1, 3, 3)
    out = F.conv2d(Tensor(image), Tensor(kernel)).data[0, 0]
    expected = [[sum(image[0, 0, r + i, c + j] * kernel[0, 0, i, j] for i in range(3) for j in range(3))
                 for c in range(3)] for r in range(3)]
    np.testing.assert_allclose(out, expected)
    assert out.shape == (3, 3)


@st.composite
def pool_cases(draw):
    k = draw(st.integers(1, 3))
    stride = draw(st.sampled_from([None, 1, 2, 3]))
    padding = draw(st.integers(0, k // 2))
    h, w = draw(st.integers(max(1, k - 2 * padding), 7)), draw(st.integers(max(1, k - 2 * padding), 7))
    return (draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w), k, stride, padding


@settings(max_examples=40, deadline=None)
@given(pool_cases(), seeds)
def test_pooling_matches_finite_differences(case, seed):
    shape, k, stride, padding = case
    gradcheck(lambda x: F.max_pool2d(x, k, stride, padding), array(seed, shape, "distinct"))
    gradcheck(lambda x: F.avg_pool2d(x, k, stride, padding), array(seed, shape))


def test_max_pool_ties_send_the_gradient_to_the_first_in_scan_order():
    x = Tensor(np.array([[[[5.0, 5.0], [5.0, 1.0]]]]), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad[0, 0], [[1, 0], [0, 0]])
    x = Tensor(np.array([[[[1.0, 2.0], [2.0, 2.0]]]]), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad[0, 0], [[0, 1], [0, 0]])


def test_overlapping_max_pool_accumulates_into_a_shared_maximum():
    x = Tensor(np.array([[[[0.0, 9.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]]), requires_grad=True)
    F.max_pool2d(x, 2, stride=1).sum().backward()   # the 9 is the max of two windows
    assert x.grad[0, 0, 0, 1] == 2.0


def test_odd_sizes_drop_the_last_row_like_pytorch():
    out = F.max_pool2d(Tensor(np.ones((1, 1, 5, 7))), 2)
    assert out.shape == (1, 1, 2, 3)


def test_conv_output_layout_flows_into_the_next_layers():
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(2, 1, 6, 6)), requires_grad=True)
    w1, w2 = Tensor(rng.normal(size=(3, 1, 3, 3)), requires_grad=True), Tensor(rng.normal(size=(2, 3, 3, 3)), requires_grad=True)
    gradcheck(lambda x, w1, w2: F.conv2d(F.max_pool2d(F.conv2d(x, w1, padding=1).relu(), 2), w2, padding=1)
              .flatten(1), x.data, w1.data, w2.data)


def test_shape_errors_name_the_op_and_both_shapes():
    x = Tensor(np.zeros((64, 3, 28, 28), np.float32))
    w = Tensor(np.zeros((16, 1, 5, 5), np.float32))
    with pytest.raises(ValueError, match=r"conv2d: input \(64, 3, 28, 28\) has 3 channels, "
                                         r"weight \(16, 1, 5, 5\) expects 1"):
        F.conv2d(x, w)
    with pytest.raises(ValueError, match="must be 4-D"):
        F.conv2d(Tensor(np.zeros((3, 28, 28))), w)
    with pytest.raises(ValueError, match="does not fit"):
        F.conv2d(Tensor(np.zeros((1, 1, 3, 3))), Tensor(np.zeros((1, 1, 5, 5))))
    with pytest.raises(ValueError, match="stride must be >= 1"):
        F.max_pool2d(Tensor(np.zeros((1, 1, 4, 4))), 2, stride=0)
    with pytest.raises(ValueError, match="bias must have shape"):
        F.conv2d(Tensor(np.zeros((1, 1, 4, 4))), Tensor(np.zeros((2, 1, 3, 3))), Tensor(np.zeros(3)))


@st.composite
def grouped_dilated_conv_cases(draw):
    """dilation, groups, 'same'/'valid' and every padding_mode."""
    groups = draw(st.integers(1, 2))
    c, f = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dilation = draw(st.sampled_from([1, 2, (1, 2)]))
    mode = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
    padding = draw(st.sampled_from([0, 1, (1, 2), "same", "valid"]))
    stride = 1 if padding == "same" else draw(st.sampled_from([1, 2]))
    dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    # at least 3 rows and columns: 'reflect' needs padding (here up to 2) < the size, as in torch
    h, w = draw(st.integers(max(dh * (kh - 1) + 1, 3), 7)), draw(st.integers(max(dw * (kw - 1) + 1, 3), 7))
    return (1, c, h, w), (f, c // groups, kh, kw), dict(stride=stride, padding=padding, dilation=dilation,
                                                       groups=groups, padding_mode=mode)


@settings(max_examples=40, deadline=None)
@given(grouped_dilated_conv_cases(), seeds)
def test_dilated_grouped_padded_conv2d_matches_finite_differences(case, seed):
    x_shape, w_shape, options = case
    x, w, b = array(seed, x_shape), array(seed + 1, w_shape), array(seed + 2, w_shape[:1])
    gradcheck(lambda x, w, b: F.conv2d(x, w, b, **options), x, w, b)


@st.composite
def pool_option_cases(draw):
    """ceil_mode, dilation (max), count_include_pad and divisor_override (average)."""
    k = draw(st.integers(1, 3))
    dilation, ceil_mode = draw(st.sampled_from([1, 2])), draw(st.booleans())
    # with dilation a padded window can miss every input cell: its max is -inf (as torch)
    stride, padding = draw(st.sampled_from([None, 1, 2, 3])), draw(st.integers(0, k // 2 if dilation == 1 else 0))
    span = dilation * (k - 1) + 1
    h, w = (draw(st.integers(max(1, span - 2 * padding), 7)) for _ in range(2))
    return (1, draw(st.integers(1, 2)), h, w), k, stride, padding, dilation, ceil_mode


@settings(max_examples=40, deadline=None)
@given(pool_option_cases(), seeds, st.booleans(), st.sampled_from([None, 3]))
def test_pooling_options_match_finite_differences(case, seed, count_include_pad, divisor):
    shape, k, stride, padding, dilation, ceil_mode = case
    gradcheck(lambda x: F.max_pool2d(x, k, stride, padding, dilation, ceil_mode),
              array(seed, shape, "distinct"))
    if dilation == 1:
        gradcheck(lambda x: F.avg_pool2d(x, k, stride, padding, ceil_mode, count_include_pad, divisor),
                  array(seed, shape))


def test_global_max_pool_over_more_than_256_cells():
    """Bug 2: the map of which cell held the max was uint8, so windows of 17x17 and more failed."""
    x = Tensor(np.random.default_rng(0).normal(size=(2, 3, 28, 28)), requires_grad=True)
    out = F.max_pool2d(x, 28)
    np.testing.assert_array_equal(out.data[:, :, 0, 0], x.data.max(axis=(2, 3)))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, x.data == x.data.max(axis=(2, 3), keepdims=True))
    np.testing.assert_array_equal(F.max_pool2d(Tensor(np.ones((1, 1, 17, 17))), 17).data, [[[[1.0]]]])


def test_new_option_errors_are_clear():
    x, w = Tensor(np.zeros((1, 4, 5, 5))), Tensor(np.zeros((6, 2, 3, 3)))
    with pytest.raises(ValueError, match="groups=4 must be a positive int dividing"):
        F.conv2d(x, w, groups=4)
    with pytest.raises(ValueError, match=r"expects 2 in 2 groups|expects 4 in 2 groups"):
        F.conv2d(Tensor(np.zeros((1, 2, 5, 5))), w, groups=2)
    with pytest.raises(ValueError, match="padding='same' needs stride=1"):
        F.conv2d(x, w, groups=2, padding="same", stride=2)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        F.conv2d(x, w, groups=2, padding_mode="mirror")
    with pytest.raises(ValueError, match="'reflect' needs padding < the input size"):
        F.conv2d(x, w, groups=2, padding=5, padding_mode="reflect")
    with pytest.raises(ValueError, match="divisor_override must be a nonzero int"):
        F.avg_pool2d(x, 2, divisor_override=0)
