"""RPA bots for Order-to-Cash: order intake, cash application and status updates,
with a work queue and exception queue that operators clear in a web console."""

__version__ = "0.1.0"
