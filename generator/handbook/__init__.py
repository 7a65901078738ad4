"""The handbook: Markdown pages, navigation and search words generated from the content model."""
