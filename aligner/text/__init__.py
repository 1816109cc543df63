"""Text: segmentation, language codes and locale data, numbers, dates and names."""
