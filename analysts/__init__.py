"""What analysts open besides the warehouse: the Excel workbooks, the HTML report, and the SQL queries behind them
(``queries/``)."""
