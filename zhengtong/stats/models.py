"""Statistics (效能统计): rollups from events, figures, monthly assessment (月度效能考核), public disclosure (办件公示)."""
