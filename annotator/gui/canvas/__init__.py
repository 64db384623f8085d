"""The page canvas: image tiles and overlays that only draw, a tool state, and the view."""
