using Watchtower.Samples;
using Watchtower.Testing;

// Never let the AWS credential or region chain probe the instance-metadata service from a demo.
Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");

// A local emulator accepts any keys; against AWS, leave these unset and the default credential chain is used.
Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "demo-access-key");
Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "demo-secret-key");

// With an endpoint argument the sample uses that CloudWatch Logs endpoint; without one it starts its own moto_server.
Uri? endpoint = args.Length > 0 ? new Uri(args[0]) : null;
using MotoServer? moto = endpoint is null ? MotoServer.Start() : null;
return await AspNetCoreSample.RunAsync(endpoint ?? moto!.Endpoint, Console.Out);
