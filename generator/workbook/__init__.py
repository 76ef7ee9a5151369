"""The roster as an Excel workbook (export) and back into YAML files (import)."""
