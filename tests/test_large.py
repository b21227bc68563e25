"""Elementwise ufuncs index 64-bit: arrays above 2^31 elements and byte offsets above 2^32."""

import mmap
import tempfile

import numpy as np

import fdiv

BIG = 2**31 + 77


def test_more_than_2_31_elements():
    # A zero-stride input costs no memory; the float32 output (8.6 GB) is real, so every
    # element index above 2^31 is written by the kernel (split across OpenMP threads).
    x = np.lib.stride_tricks.as_strided(np.array([3.0], dtype=np.float32), (BIG,), (0,))
    out = np.empty(BIG, dtype=np.float32)
    out[-1000:] = np.nan
    fdiv.total_variation.f(x, out=out)
    assert out[0] == 1.0 and out[2**31 - 1] == 1.0 and out[2**31] == 1.0
    assert np.all(out[-1000:] == 1.0)
    del out


def test_strided_byte_offsets_beyond_2_32():
    # A sparse file mapped read-only: elements 2^33 bytes apart, so byte offsets reach 6e10.
    n, stride = 8, 2**33
    with tempfile.TemporaryFile() as fh:
        fh.truncate(stride * n)
        buf = mmap.mmap(fh.fileno(), stride * n, access=mmap.ACCESS_READ)
        base = np.frombuffer(buf, dtype=np.float64)
        x = np.lib.stride_tricks.as_strided(base, (n,), (stride,))
        assert x.strides == (stride,)
        got = fdiv.kl.f_logu(x)  # f(e^0) = 0 at every (zero) element
        np.testing.assert_array_equal(got, np.zeros(n))
        got2 = fdiv.alpha(0.5).f_logu(x)  # two-input loop, strided
        np.testing.assert_array_equal(got2, np.zeros(n))
        del base, x
        buf.close()
