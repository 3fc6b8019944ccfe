"""Sending forwards to the town's other systems: the SMTP client (``email``), the Open311
client of an external endpoint (``crm``), the worker that drains the ``forwards`` table
(``worker``), and the job that pulls statuses back (``pull``)."""
