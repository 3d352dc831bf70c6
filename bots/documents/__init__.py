"""Readers for the documents the bots receive: purchase orders (PDF, XLSX, CSV), bank
notifications (camt.053/054, BAI2) and remittance advices. Pure logic: files in, data out."""
