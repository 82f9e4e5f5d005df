"""The audit report: the results store's readers (HTML, summary.json) and the redaction they share."""
