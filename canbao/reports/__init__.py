"""Human-facing outputs: tables, workbooks, charts and bulletins, in Chinese."""
