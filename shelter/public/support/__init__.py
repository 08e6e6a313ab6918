"""Supporting the collective: donation details with a payment QR code, material needs."""
