"""How the OCR engine runs (``parsers.ocr``): its models on OpenVINO (line images padded to a few
widths, doubtful lines read again by a second recogniser), the engine warmed in the parser's fork
server, and the page filters done in OpenCV giving PIL's pixels."""
from __future__ import annotations

import importlib.util
import io
import random

import numpy as np
import pytest
from PIL import Image, ImageFilter

from parsers import ocr
from tests.builders.scan_lines import line as _line

LINES = ["0", "1,250", "-7", "4193.32", "合计", "（一）主动公开政府信息情况", "本机关全年共收到政府信息公开申请128件，办结128件"]


def _noisy_page(w=301, h=207, seed=1):
    """A small grey page with print-like strokes, rules and specks."""
    rng = np.random.default_rng(seed)
    a = np.full((h, w), 235, np.uint8)
    a[20:22, 5:w - 5] = 30                       # a rule
    a[:, 150:152] = 40                           # a rule down the page edge to edge
    for _ in range(400):
        y, x = rng.integers(0, h), rng.integers(0, w)
        a[y:y + rng.integers(1, 4), x:x + rng.integers(1, 9)] = rng.integers(0, 160)
    return Image.fromarray(a)


# -------------------------------------------------------------------------- page filters
@pytest.mark.parametrize("size", [3, 9])
def test_min_and_max_filters_give_pils_pixels(size):
    for im in (_noisy_page(), _noisy_page(5, 4, seed=2), _noisy_page(2, 1, seed=3)):
        assert np.array_equal(np.asarray(ocr._min_filter(im, size)), np.asarray(im.filter(ImageFilter.MinFilter(size))))
        assert np.array_equal(np.asarray(ocr._max_filter(im, size)), np.asarray(im.filter(ImageFilter.MaxFilter(size))))


def _opening_by_definition(dark: np.ndarray, length: int) -> np.ndarray:
    """Dark pixels that lie in a horizontal run of at least ``length`` dark pixels."""
    keep = np.zeros_like(dark)
    for y, row in enumerate(dark):
        x = 0
        while x < len(row):
            if row[x]:
                end = x
                while end < len(row) and row[end]:
                    end += 1
                if end - x >= length:
                    keep[y, x:end] = True
                x = end
            else:
                x += 1
    return keep


@pytest.mark.parametrize("length", [1, 2, 5, 40, 400])
def test_erode_dark_keeps_the_dark_runs_at_least_so_long(length):
    rng = np.random.default_rng(length)
    dark = rng.random((60, 90)) < 0.7
    dark[10, :] = True                           # a run from edge to edge
    dark[11, :45] = True                         # runs touching one edge
    dark[12, 50:] = True
    im = Image.fromarray(np.where(dark, 0, 255).astype(np.uint8))
    want_h = _opening_by_definition(dark, length)
    want_v = _opening_by_definition(dark.T, length).T
    assert np.array_equal(np.asarray(ocr._erode_dark(im, length, True)) == 0, want_h)
    assert np.array_equal(np.asarray(ocr._erode_dark(im, length, False)) == 0, want_v)


# -------------------------------------------------------------------------- padded widths
def test_line_widths_are_padded_to_a_few_widths_never_narrower():
    widths = [ocr.padded_width(w) for w in range(1, 4001)]
    assert all(p >= w for w, p in zip(range(1, 4001), widths))
    assert widths == sorted(widths)
    assert len(set(widths)) < 60
    assert ocr.padded_width(320) == 320 and ocr.padded_width(321) == 352
    assert ocr.padded_widths(640) == list(range(32, 641, 32))


# -------------------------------------------------------------------------- OpenVINO
needs_ppocr = pytest.mark.skipif(ocr.engine() != "ppocr" or importlib.util.find_spec("openvino") is None,
                                 reason="PP-OCR or OpenVINO is not installed")


def _fresh_engine(runtime, monkeypatch, precision=None):
    from rapidocr_onnxruntime import RapidOCR
    monkeypatch.setenv("NIANBAO_OCR_RUNTIME", runtime)
    if precision:
        monkeypatch.setenv("NIANBAO_OCR_PRECISION", precision)
    eng = RapidOCR(print_verbose=False, use_cls=False, rec_batch_num=1, intra_op_num_threads=1,
                   inter_op_num_threads=1)
    assert ocr._use_openvino(eng, 1) == runtime
    return eng


@needs_ppocr
def test_the_engine_runs_on_openvino_when_installed():
    """OpenVINO is a dependency: when it is installed the engine must use it, never fall back to
    ONNX Runtime unnoticed (the scans would take twice as long)."""
    eng = ocr._pp_engine()
    assert isinstance(eng.text_rec.session, ocr._OpenVinoSession)
    assert isinstance(eng.text_det.infer, ocr._OpenVinoSession)
    assert isinstance(eng.second_look, ocr._OpenVinoSession)


@needs_ppocr
def test_openvino_in_f32_reads_what_onnx_runtime_reads(monkeypatch):
    ort = _fresh_engine("onnxruntime", monkeypatch)
    ov = _fresh_engine("openvino", monkeypatch, precision="f32")
    crops = [_line(t) for t in LINES]
    want = [(r[0], r[1]) for r in ort.text_rec(crops)[0]]
    got = [(r[0], r[1]) for r in ov.text_rec(crops)[0]]
    assert [t for t, _ in got] == [t for t, _ in want] == LINES
    assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-3)


@needs_ppocr
def test_a_line_padded_to_its_width_reads_as_it_was(monkeypatch):
    eng = _fresh_engine("openvino", monkeypatch, precision="f32")
    padded = eng.text_rec.session
    plain = ocr._OpenVinoSession(padded._ort, padded._compiled, pad=False)
    crops = [_line(t) for t in LINES]
    assert any(ocr.padded_width(round(48 * c.shape[1] / c.shape[0])) != round(48 * c.shape[1] / c.shape[0])
               for c in crops)
    with_pad = [(r[0], r[1]) for r in eng.text_rec(crops)[0]]
    eng.text_rec.session = plain
    without = [(r[0], r[1]) for r in eng.text_rec(crops)[0]]
    assert [t for t, _ in with_pad] == [t for t, _ in without] == LINES
    assert np.allclose([s for _, s in with_pad], [s for _, s in without], atol=0.02)


@needs_ppocr
def test_a_doubtful_line_is_read_again_by_the_second_look(monkeypatch):
    """Short lines are read packed by the first recogniser; with the bar set above any reading
    every one is doubtful and is read again, alone, by the second look (f32), and the result is
    the second look's reading of it."""
    eng = ocr._pp_engine()
    seen = []

    class Watch:
        def __init__(self, session):
            self.session = session

        def __call__(self, x):
            seen.append(x.shape[-1])
            return self.session(x)

        def __getattr__(self, name):
            return getattr(self.session, name)

    monkeypatch.setattr(ocr, "PACK_SURE", 1.01)
    crops = [_line(t) for t in ["0", "15", "-7", "96"]]
    with ocr._second_look(eng):
        alone = [(r[0], r[1]) for r in eng.text_rec(crops)[0]]
    first = eng.text_rec.session
    monkeypatch.setattr(eng, "second_look", Watch(eng.second_look))
    got = ocr._pp_read_lines(eng, crops)
    assert got == alone and [t for t, _ in got] == ["0", "15", "-7", "96"]
    assert len(seen) >= len(crops)           # each read alone by the second look
    assert eng.text_rec.session is first     # and the first recogniser back in place


# -------------------------------------------------------------------------- the parser's worker
@needs_ppocr
def test_a_scan_parsed_by_the_warm_worker_reads_as_in_this_process():
    """The fork server loads and warms the engine (``parsers.warm``); a child forked from it reads
    a scan with the engine it inherited, within its memory limit, and gets what this process gets."""
    from nianbao.demo import documents as D
    from nianbao.demo import scans
    from parsers import parse
    from parsers.worker import parse_document
    report = D.random_report("2019", 2022, "示例县第3局", 31)
    rng = random.Random(5)
    page = scans.degrade(scans._pages(report, 200)[1], {"lean", "speckle"}, rng, True)
    buf = io.BytesIO()
    page.save(buf, "PNG")
    here = parse(buf.getvalue(), filename="scan.png")
    there = parse_document(buf.getvalue(), filename="scan.png")
    assert sum(v is not None for v in here["fields"].values()) >= 20
    assert there["fields"] == here["fields"]
