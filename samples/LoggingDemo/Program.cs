using Watchtower.Samples;
using Watchtower.Testing;

// Never let the AWS credential or region chain probe the instance-metadata service from a demo.
Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");

// With an endpoint argument the demo uses that CloudWatch Logs endpoint (a running emulator);
// without one it starts its own moto_server on a free loopback port and stops it at the end.
Uri? endpoint = args.Length > 0 ? new Uri(args[0]) : null;
using MotoServer? moto = endpoint is null ? MotoServer.Start() : null;
return await LoggingDemo.RunAsync(endpoint ?? moto!.Endpoint, Console.Out);
