"""Line images as PP-OCR's text finder crops them from a scanned page, drawn at 200 dpi sizes
(print 10.5 pt: about 29 px high)."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def font(size):
    return ImageFont.truetype(FONT, size)


def line(text, size=30):
    """A line image as detection crops it: the print with 4 px of a scan's greyish paper around."""
    f = font(size)
    x0, y0, x1, y1 = f.getbbox(text)
    im = Image.new("RGB", (x1 - x0 + 8, y1 - y0 + 8), (235, 235, 235))
    ImageDraw.Draw(im).text((4 - x0, 4 - y0), text, font=f, fill=(20, 20, 20))
    return np.asarray(im)
