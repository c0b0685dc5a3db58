"""The live room: who may use facilitator controls (roles, the passcode slow-down), the limits every
form obeys (spam limit, text caps), and the join links and QR codes phones scan.

Imports only rally.core.
"""
