"""How far apart two positions may be and still count as one: the layout reading's tolerances, named once
(pdfplumber's habit: ``DEFAULT_X_TOLERANCE``…). Lengths are PDF points (1/72 inch) unless a share of the font size.

The values are wide enough for the rounding and font differences of the typesetters the books come from, and far
below the smallest distance the books print between things that differ (a cell's padding, a line's leading).
"""

from __future__ import annotations

# Positions computed by different typesetters differ by rounding: a character, a label or a ruling within half a
# point of a boundary is on it. A cell's padding (2-3 points) is wider than twice this.
DEFAULT_EDGE_TOLERANCE = 0.5
# Two characters (or words) are on one printed line when their tops differ by less than this share of their
# size: lines are set at least 1.2 sizes apart, and another font on the same line shifts a top far less than
# half a size. A row's first line begins this share of a size above its top, for the same reason.
DEFAULT_LINE_TOLERANCE = 0.5
# In a page's plain text (``extract.page_text``), a gap wider than this share of a size between two characters of
# a line is a space: letters and CJK characters are set closer (kerning, not a gap), words and cells further apart.
DEFAULT_WORD_GAP = 0.3
# Horizontal edges less than a point apart are one ruling (a cell's bottom border and the next cell's top one).
DEFAULT_RULING_MERGE = 1.0
# A ruling between rows spans at least this share of the widest ruling under the header; shorter ones underline a
# cell or border a merged one (the widest spans the table; a merged cell's border at least one column less).
DEFAULT_ROW_RULING_SHARE = 0.6
# A line under the table is page furniture (a page number, a running title) only when set apart from the table
# by more than its own size, a blank line; a line above the first row by more than half its size.
DEFAULT_FURNITURE_GAP = 1.0
DEFAULT_LEADING_FURNITURE_GAP = 0.5
# A line set this much larger than the table's body text is another table's title (books set titles 1.5-2×).
DEFAULT_TITLE_SIZE_RATIO = 1.25
# A line whose middle is within this many character sizes of the page's middle is centred (a title).
DEFAULT_CENTRED = 2.0
# Names indented by less than this (points) are at one level: a rendering difference, not a project under its
# unit (books indent projects by two characters, 10 points or more).
DEFAULT_INDENT = 3.0
