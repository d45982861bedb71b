"""Programmes: sessions, rooms, speakers, published versions, PDF, feeds and exports."""
