"""The nightly: ``make build`` (extract, dbt build on a copy, publish, feeds, the analysts' files, the stamp), its lock,
the published warehouse and its history, the feeds and the closing summary."""
