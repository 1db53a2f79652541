"""Demo data for nianbao: synthetic annual reports rendered as the media real portals publish."""
