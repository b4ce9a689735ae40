using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Watchtower.Tests.Support;
using Xunit.Abstractions;

namespace Watchtower.Tests.Integration;

/// <summary>
/// The packages as a user gets them: packed into a folder of their own, checked for what a package must carry
/// (README, licence, icon, release notes, symbols, no path of this machine), then installed into a fresh application
/// from that folder, not from the projects, which ships to moto. The application targets net8.0 and rolls forward to
/// the installed runtime, so that the net8.0 asset the packages ship is the one that runs.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class PackageTests(MotoFixture moto, ITestOutputHelper output)
{
    [Fact]
    public async Task Packages_CarryWhatTheyMust_AFreshNet8AppShipsThroughThem_AndTheToolInstallsAndRuns()
    {
        using var folder = TempFolder.ForCaller();
        string root = RepositoryRoot.Path;
        string feed = Directory.CreateDirectory(Path.Combine(folder.Path, "feed")).FullName;
        string version = "0.1.0-test." + Guid.NewGuid().ToString("N")[..8]; // never one the package cache has seen

        // Built apart from the projects' own output, but inside the repository (as obj/ is), where paths map to /_/.
        string artifacts = Path.Combine(root, "artifacts", "package-test-" + version);
        try
        {
            foreach (string project in new[] { "src/Watchtower", "src/Watchtower.Extensions.Logging", "src/Watchtower.Serilog", "src/Watchtower.NLog", "src/Watchtower.Log4Net", "src/Watchtower.Cli" })
            {
                await RunAsync("dotnet", ["pack", Path.Combine(root, project), "-c", "Release", "-o", feed, "-p:Version=" + version, "--artifacts-path", artifacts, "-nologo"], folder.Path);
            }
        }
        finally
        {
            if (Directory.Exists(artifacts))
            {
                Directory.Delete(artifacts, recursive: true);
            }
        }

        foreach (string id in new[] { "Watchtower", "Watchtower.Extensions.Logging", "Watchtower.Serilog", "Watchtower.NLog", "Watchtower.Log4Net" })
        {
            using ZipArchive package = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.nupkg"));
            string[] entries = package.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("README.md", entries);
            Assert.Contains("LICENSE", entries);
            Assert.Contains("icon.png", entries);
            Assert.Contains($"lib/net8.0/{id}.dll", entries);
            Assert.Contains($"lib/net10.0/{id}.dll", entries);
            string nuspec = Read(package, id + ".nuspec");
            Assert.Contains("<license type=\"expression\">Apache-2.0</license>", nuspec, StringComparison.Ordinal);
            Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
            Assert.Contains("<icon>icon.png</icon>", nuspec, StringComparison.Ordinal);
            Assert.Contains("<releaseNotes>", nuspec, StringComparison.Ordinal);

            // Symbols, with the deterministic /_/ paths instead of this machine's.
            using ZipArchive symbols = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.snupkg"));
            ZipArchiveEntry pdb = Assert.Single(symbols.Entries, e => e.FullName == $"lib/net8.0/{id}.pdb");
            using var pdbBytes = new MemoryStream();
            await using (Stream stream = pdb.Open())
            {
                await stream.CopyToAsync(pdbBytes);
            }

            pdbBytes.Position = 0;
            using var pdbReader = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(pdbBytes, System.Reflection.Metadata.MetadataStreamOptions.LeaveOpen);
            System.Reflection.Metadata.MetadataReader reader = pdbReader.GetMetadataReader();
            string[] documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToArray();
            Assert.NotEmpty(documents);
            Assert.All(documents, d => Assert.StartsWith("/_/", d, StringComparison.Ordinal));
            Assert.DoesNotContain(root, Encoding.UTF8.GetString(pdbBytes.ToArray()), StringComparison.Ordinal);
        }

        await ToolInstallsAndRunsAsync(folder, feed, version);

        // A fresh app that knows nothing of this repository: the feed above, and the usual package sources.
        string app = Directory.CreateDirectory(Path.Combine(folder.Path, "app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="watchtower-test-feed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net8.0</TargetFramework>
                <RollForward>Major</RollForward>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Watchtower.Extensions.Logging" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using System.Runtime.Versioning;
            using Microsoft.Extensions.Logging;

            using (ILoggerFactory factory = LoggerFactory.Create(b => b.AddCloudWatch(o =>
            {
                o.ServiceUrl = args[0];
                o.LogGroupName = args[1];
                o.LogStreamName = "consumer";
                o.Region = "us-east-1";
            })))
            {
                ILogger logger = factory.CreateLogger("Consumer");
                for (int i = 0; i < 3; i++)
                {
                    logger.LogInformation("from the package {Number}", i);
                }
            }

            var asset = typeof(Watchtower.CloudWatchLogHandler).Assembly;
            Console.WriteLine($"asset {asset.GetCustomAttributes(typeof(TargetFrameworkAttribute), false).Cast<TargetFrameworkAttribute>().Single().FrameworkName} on {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
            """);
        string group = MotoFixture.UniqueGroupName("package");
        string run = await RunAsync("dotnet", ["run", "-c", "Release", "--", moto.Endpoint.ToString(), group], app);
        output.WriteLine(run);

        Assert.Contains("asset .NETCoreApp,Version=v8.0 on .NET 10", run, StringComparison.Ordinal);
        using CloudWatchLogsClient client = moto.CreateClient();
        var messages = new List<string>();
        await foreach (OutputLogEvent e in client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = "consumer", StartFromHead = true }))
        {
            messages.Add(e.Message!);
        }

        Assert.Equal(3, messages.Count);
        Assert.All(messages, m => Assert.Contains("from the package", m, StringComparison.Ordinal));
    }

    /// <summary>The tool package as a user installs it: from the feed, into a tool path, run against moto.</summary>
    private async Task ToolInstallsAndRunsAsync(TempFolder folder, string feed, string version)
    {
        using (ZipArchive package = ZipFile.OpenRead(Path.Combine(feed, $"Watchtower.Cli.{version}.nupkg")))
        {
            string[] entries = package.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("README.md", entries);
            Assert.Contains("LICENSE", entries);
            Assert.Contains("icon.png", entries);
            Assert.Contains("tools/net10.0/any/Watchtower.Cli.dll", entries);
            Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", entries);
            Assert.Contains("<packageType name=\"DotnetTool\" />", Read(package, "Watchtower.Cli.nuspec"), StringComparison.Ordinal);
        }

        string tools = Path.Combine(folder.Path, "tools");
        await RunAsync("dotnet", ["tool", "install", "Watchtower.Cli", "--tool-path", tools, "--add-source", feed, "--version", version], folder.Path);
        string watchtower = Path.Combine(tools, "watchtower");

        string shown = await RunAsync(watchtower, ["--version"], folder.Path);
        Assert.StartsWith(version, shown.Trim(), StringComparison.Ordinal);

        string group = MotoFixture.UniqueGroupName("tool");
        using (CloudWatchLogsClient client = moto.CreateClient())
        {
            await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = group });
        }

        string groups = await RunAsync(watchtower, ["groups", "--prefix", group, "--endpoint-url", moto.Endpoint.ToString(), "--region", "us-east-1"], folder.Path);
        output.WriteLine(groups);
        Assert.Contains(group, groups, StringComparison.Ordinal);
    }

    private static string Read(ZipArchive archive, string name)
    {
        using var reader = new StreamReader(archive.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    private static async Task<string> RunAsync(string program, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_ACCESS_KEY_ID"] = "testing-access-key";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing-secret-key";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        string all = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed:\n{all}");
        return all;
    }
}
