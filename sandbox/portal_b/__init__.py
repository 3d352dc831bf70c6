"""Customer portal B: Globex's "Vendor Self Service" (frames, server-side forms)."""
