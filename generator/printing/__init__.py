"""Printing's one owner: QR codes, service cards and their sheets, PDFs for print shops."""
