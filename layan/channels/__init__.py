"""The channels: one app per way customers reach the shop (email, live chat, web form, phone).

Each registers its adapter on the seam in `layan/inboxes` (registry, inbound engine, delivery)
and owns its settings, views, URLs, templates and tests. A channel imports the floors below it
and never another channel. Adding one: docs/architecture.md, "Adding a channel".
"""
