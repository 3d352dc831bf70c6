"""The bot runtime: work queue and exception queue, runs, leases, retries, artifacts
and schedules. Bots implement `bots.runtime.bot.Bot`; the runtime does the rest."""
