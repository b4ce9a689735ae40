using Watchtower.Samples;
using Watchtower.Testing;

SampleEnvironment.UseDemoCredentials();

// Given an endpoint (and a group), the worker runs as a service does until it is stopped (SIGTERM, Ctrl-C); without
// one, the sample starts its own moto_server, lets the worker stop itself, and reads the group back.
if (args.Length > 0)
{
    await WorkerSample.RunHostAsync(new Uri(args[0]), args.Length > 1 ? args[1] : null, new WorkerSettings(WorkerSample.Orders, Console.Out, StopWhenDone: false));
    return 0;
}

using MotoServer moto = MotoServer.Start();
return await WorkerSample.RunAsync(moto.Endpoint, Console.Out);
