using Watchtower.Samples;
using Watchtower.Testing;

SampleEnvironment.UseDemoCredentials();

// With an endpoint argument the sample uses that CloudWatch Logs endpoint; without one it starts its own moto_server.
Uri? endpoint = args.Length > 0 ? new Uri(args[0]) : null;
using MotoServer? moto = endpoint is null ? MotoServer.Start() : null;
return await NLogConsoleSample.RunAsync(endpoint ?? moto!.Endpoint, Console.Out);
