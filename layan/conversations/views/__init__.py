"""The desk's conversation pages (inbox), its knowledge sidebar (knowledge) and canned replies
(macros)."""
