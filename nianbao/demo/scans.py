"""Scans made the way real ones look: printed, stamped, scanned or photographed.

Each document is a report of :func:`nianbao.demo.documents.random_report` rendered as a PDF and
rasterised, then degraded page by page with a seeded mix of what real scans show: 150–200 dpi,
a lean of 0.3–1°, speckles, blur, JPEG artefacts, a dark scanner edge, a red seal over the
signature or over table cells, faint grid lines, uneven light of a photographed page. Some
documents are one very tall image stitching every page (as portals paste them into articles).

    python -m nianbao.demo.scans OUTDIR [--count 30] [--seed 7]

writes ``<n>-<kind>.<ext>`` with ``<n>-<kind>.expected.json`` (the report rendered) beside each.
"""
from __future__ import annotations

import argparse
import io
import json
import math
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from nianbao.demo import documents as D

CONDITIONS = ("lean", "speckle", "blur", "jpeg", "dark_edge", "seal_signature", "seal_cells", "faint_lines",
              "uneven_light", "low_dpi")


def _font(size: int):
    for path in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()


def seal(size: int, text: str = "示例县人民政府") -> Image.Image:
    """A red official seal (ring, star, name around the top) on a transparent square."""
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    red = (205, 30, 35, 170)
    w = max(3, size // 40)
    d.ellipse((w, w, size - w, size - w), outline=red, width=w)
    cx = cy = size / 2
    r = size * 0.12
    star = [(cx + r * math.cos(math.radians(-90 + k * 144)), cy + r * math.sin(math.radians(-90 + k * 144))) for k in range(5)]
    d.polygon(star, fill=red)
    font = _font(max(10, size // 9))
    n = len(text)
    for k, ch in enumerate(text):
        a = math.radians(-150 + 120 * k / max(n - 1, 1))
        x, y = cx + size * 0.34 * math.cos(a), cy + size * 0.34 * math.sin(a)
        d.text((x, y), ch, font=font, fill=red, anchor="mm")
    return im


def degrade(page: Image.Image, conditions: set, rng: random.Random, table_page: bool) -> Image.Image:
    """One page, as scanned under ``conditions`` (greyscale or colour page in, RGB out)."""
    im = page.convert("RGB")
    w, h = im.size
    if "faint_lines" in conditions:
        # light toner on the rules: rows and columns that are dark across most of the page
        a = np.asarray(im).copy()
        dark = a.min(axis=2) < 140
        rows = dark.mean(axis=1) > 0.45
        cols = dark.mean(axis=0) > 0.2
        mask = (rows[:, None] | cols[None, :]) & dark
        a[mask] = 205
        im = Image.fromarray(a)
    if "seal_cells" in conditions and table_page:
        s = seal(int(w * 0.22))
        im.paste(s, (int(w * rng.uniform(0.45, 0.65)), int(h * rng.uniform(0.25, 0.55))), s)
    if "seal_signature" in conditions and not table_page:
        s = seal(int(w * 0.25))
        im.paste(s, (int(w * 0.6), int(h * rng.uniform(0.55, 0.75))), s)
    if "uneven_light" in conditions:
        # a photographed page: light falls off towards one side (to 55% at the far edge)
        axis = rng.choice((0, 1))
        ramp = np.linspace(1.0, 0.55, h if axis == 0 else w)
        if rng.random() < 0.5:
            ramp = ramp[::-1]
        shade = ramp[:, None] if axis == 0 else ramp[None, :]
        im = Image.fromarray((np.asarray(im).astype(np.float32) * shade[..., None]).astype(np.uint8))
    if "lean" in conditions:
        angle = rng.choice((-1, 1)) * rng.uniform(0.3, 1.0)
        im = im.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    if "dark_edge" in conditions:
        d = ImageDraw.Draw(im)
        band = int(w * rng.uniform(0.015, 0.03))
        side = rng.choice(("left", "right"))
        for k in range(band):
            v = int(40 + 180 * k / band)
            x = k if side == "left" else w - 1 - k
            d.line([(x, 0), (x, h)], fill=(v, v, v))
    if "blur" in conditions:
        im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.9)))
    if "speckle" in conditions:
        px = im.load()
        for _ in range(int(w * h * 0.0015)):
            x, y = rng.randrange(w), rng.randrange(h)
            v = rng.choice((0, 40, 90))
            px[x, y] = (v, v, v)
    if "jpeg" in conditions:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=rng.randint(30, 50))
        im = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return im


def _pages(report: dict, dpi: int) -> list:
    pdf = D.render(report, "pdf-reportlab")
    import tempfile
    import os
    with tempfile.TemporaryDirectory(prefix="nianbao-scan-") as tmp:
        path = os.path.join(tmp, "in.pdf")
        with open(path, "wb") as fh:
            fh.write(pdf)
        images = D._page_images(path, dpi, "auto")
    return [im.copy() for im in images]


def _is_table_page(im: Image.Image) -> bool:
    """A page holding a ruled table: long dark horizontal runs (cheap look at a small copy)."""
    small = im.convert("L").resize((200, int(200 * im.height / im.width)))
    rows = [sum(1 for x in range(small.width) if small.getpixel((x, y)) < 160) for y in range(small.height)]
    return sum(1 for r in rows if r > small.width * 0.6) >= 3


def make(report: dict, kind: str, rng: random.Random) -> tuple[bytes, str, list, int]:
    """One harsh scan of ``report``: (bytes, extension, conditions applied, pages)."""
    low = rng.random() < 0.5
    dpi = 150 if low else 200
    conditions = {c for c in CONDITIONS if rng.random() < 0.5} | {"lean", "speckle"}
    conditions.add(rng.choice(("seal_signature", "seal_cells")))
    if low:
        conditions.add("low_dpi")
    pages = [degrade(p, conditions, rng, _is_table_page(p)) for p in _pages(report, dpi)]
    buf = io.BytesIO()
    if kind == "tall":
        width = max(p.width for p in pages)
        sheet = Image.new("RGB", (width, sum(p.height for p in pages)), (255, 255, 255))
        y = 0
        for p in pages:
            sheet.paste(p, (0, y))
            y += p.height
        sheet.save(buf, "JPEG", quality=70)
        return buf.getvalue(), "jpg", sorted(conditions | {"tall"}), len(pages)
    pages[0].save(buf, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:], quality=60)
    return buf.getvalue(), "pdf", sorted(conditions), len(pages)


# what 一、总体情况 and 五 of a long report go on about, a subject and its measures; printed in
# paragraphs of three to five sentences, with counts that are no field of the form
_TOPICS = ("主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障", "政策解读",
           "回应社会关切", "重点领域信息公开", "政务新媒体管理", "基层政务公开标准化规范化")
_MEASURES = ("围绕年度工作要点逐项细化任务分工，明确责任科室和完成时限",
             "通过门户网站、政务新媒体、新闻发布会等渠道及时发布权威信息",
             "对公开内容严格执行先审后发和保密审查制度，杜绝泄密和不当公开",
             "组织开展业务培训{n}次，参训人员{m}人次，提升工作人员业务能力",
             "对门户网站栏目进行全面排查，整改错链断链和空白栏目{n}个",
             "召开新闻发布会{n}场，发布解读材料{m}篇，回应公众关切",
             "及时更新政府信息公开指南和目录，方便公众查询利用",
             "将政务公开纳入年度绩效考核，考核结果作为评先评优的重要依据",
             "在政务服务大厅设置政府信息查阅点{n}处，提供现场查阅服务",
             "对历年规范性文件开展清理，废止和失效文件{n}件已标注并集中公开")


def long_prose(rng: random.Random, paragraphs: int = 12) -> list[str]:
    """Paragraphs of the kind that fill 一、总体情况 of a long report (a page and a half or more)."""
    out = []
    for i in range(paragraphs):
        topic = _TOPICS[i % len(_TOPICS)]
        parts = [rng.choice(_MEASURES).format(n=rng.randint(2, 40), m=rng.randint(50, 900))
                 for _ in range(rng.randint(3, 5))]
        out.append(f"（{'一二三四五六七八九十'[i % 10]}）{topic}方面。" + "；".join(parts) + "。")
    return out


def build(outdir, count: int = 30, seed: int = 7, long: bool = False) -> list:
    """Write ``count`` harsh scans (both formats; every fifth one a tall stitched image). ``long``:
    reports whose 一、总体情况 and 五 run to a page and a half of prose (four pages in all, the
    length of most real reports) instead of half a page."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    made = []
    for n in range(count):
        fmt = "2021" if n % 3 else "2019"
        rep = D.random_report(fmt, 2023 if fmt == "2021" else 2020, f"示例县第{n + 1}局", seed * 1000 + n, blanks=n % 4)
        if long:
            rep["overview"] = long_prose(rng, 12)
            rep["problems"] = long_prose(rng, 4)
        kind = "tall" if n % 5 == 4 else "scan"
        data, ext, conditions, pages = make(rep, kind, rng)
        name = f"{n:03d}-{kind}.{ext}"
        (out / name).write_bytes(data)
        (out / f"{n:03d}-{kind}.expected.json").write_text(json.dumps(
            {**rep, "rendered": {"file": name, "conditions": conditions, "pages": pages}}, ensure_ascii=False),
            encoding="utf-8")
        made.append(out / name)
    return made


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nianbao.demo.scans", description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--count", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    for p in build(a.outdir, a.count, a.seed):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
