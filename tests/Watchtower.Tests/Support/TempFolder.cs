using System.Runtime.CompilerServices;

namespace Watchtower.Tests.Support;

/// <summary>A folder of its own for one test, named after it and deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    private TempFolder(string path)
    {
        Path = path;
        Directory.CreateDirectory(path);
    }

    public string Path { get; }

    public static TempFolder ForCaller([CallerMemberName] string caller = "") =>
        new(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "watchtower-tests", caller + "-" + Guid.NewGuid().ToString("N")[..8]));

    public string Write(string name, string content)
    {
        string file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
