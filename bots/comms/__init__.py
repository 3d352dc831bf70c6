"""Customer communication: mail templates a person can edit, and the plans for
payment reminders and consolidated delay notices. Rendering and planning are pure
logic; sending goes through `bots.adapters.smtp`."""
