"""Find the 项目支出绩效目标表 in budget book PDFs and write its rows as raw CSV seeds.

Run as ``python -m extract PDF_DIR OUT_DIR``. Everything here is about reading PDFs faithfully;
typing, splitting and normalising the cell texts is the dbt models' job.
"""

__version__ = "0.1.0"
