"""The gateway's pure core: the call machines (`callcontrol`, `transfercontrol`,
`queuecontrol`), the table-driven base they share (`machine`), their inputs and actions
(`callmessages`, `queuemessages`) and the plan they execute (`plans`, `numbers`).

Nothing here touches a socket, a thread, a clock, the database or pjsua2: a test imports each
module with those made unimportable."""
