"""Alignment: sentence beads and word links."""
