// The watchtower command (a dotnet tool). Everything is in CliApplication, which the tests run in-process.
return await Watchtower.Cli.CliApplication.RunAsync(args, Watchtower.Cli.CliConsole.ForProcess()).ConfigureAwait(false);
