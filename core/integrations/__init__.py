"""The town's other systems: Open311 clients that post reports, and forwards of new reports
to a service's e-mail address or external Open311 endpoint (its CRM)."""
