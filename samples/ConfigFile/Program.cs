using Watchtower.Samples;
using Watchtower.Testing;

// Never let the AWS credential or region chain probe the instance-metadata service from a demo.
Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");

// With an endpoint argument the sample uses that CloudWatch Logs endpoint; without one it starts its own moto_server.
Uri? endpoint = args.Length > 0 ? new Uri(args[0]) : null;
using MotoServer? moto = endpoint is null ? MotoServer.Start() : null;
endpoint ??= moto!.Endpoint;

// Against AWS, the "logging" profile is in ~/.aws/credentials. Against a local emulator, the sample writes one into a
// folder of its own (the app has no other credentials, so what is shipped went through that profile).
if (Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") is null)
{
    string folder = Directory.CreateTempSubdirectory("watchtower-config-file-").FullName;
    string credentials = Path.Combine(folder, "credentials");
    File.WriteAllText(credentials, "[logging]\naws_access_key_id = logging-access-key\naws_secret_access_key = logging-secret-key\n");
    File.WriteAllText(Path.Combine(folder, "config"), "[profile logging]\nregion = us-east-1\n");
    Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", credentials);
    Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(folder, "config"));
}

Environment.SetEnvironmentVariable("Logging__CloudWatch__ServiceUrl", endpoint.ToString());
if (args.Length > 1)
{
    Environment.SetEnvironmentVariable("Logging__CloudWatch__LogGroupName", args[1]);
}

return await ConfigFileSample.RunAsync(endpoint, Console.Out);
