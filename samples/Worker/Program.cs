using Watchtower.Samples;
using Watchtower.Testing;

// Never let the AWS credential or region chain probe the instance-metadata service from a demo.
Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");

// A local emulator accepts any keys; against AWS, leave these unset and the default credential chain is used.
Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "demo-access-key");
Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "demo-secret-key");

// Given an endpoint (and a group), the worker runs as a service does until it is stopped (SIGTERM, Ctrl-C); without
// one, the sample starts its own moto_server, lets the worker stop itself, and reads the group back.
if (args.Length > 0)
{
    await WorkerSample.RunHostAsync(new Uri(args[0]), args.Length > 1 ? args[1] : null, new WorkerSettings(WorkerSample.Orders, Console.Out, StopWhenDone: false));
    return 0;
}

using MotoServer moto = MotoServer.Start();
return await WorkerSample.RunAsync(moto.Endpoint, Console.Out);
