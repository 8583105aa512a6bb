"""The gateway's pure core: the call machines (`callcontrol`, `queuecontrol`,
`transfercontrol`), the table-driven base they share (`machine`), their collaborators
(`turns`, `handover`, `queuereturn`, `queueoverflow`), their inputs and actions
(`callmessages`, `queuemessages`) and the plan they execute (`plans`, `numbers`).

Nothing here touches a socket, a thread, a clock, the database or pjsua2: a test imports each
module with those made unimportable."""
