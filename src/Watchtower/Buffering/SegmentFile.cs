using Microsoft.Win32.SafeHandles;

namespace Watchtower.Buffering;

/// <summary>
/// One segment file and what the buffer knows of it: how many bytes of records it holds, how many records (when this
/// process wrote them), how many have been read. The writer appends to the newest; the reader reads them in order.
/// Only the sender loop touches it.
/// </summary>
internal sealed class SegmentFile : IDisposable
{
    private SafeFileHandle? _handle;
    private bool _dirtySinceSync;

    private SegmentFile(string path, SegmentHeader header, long length, bool recovered)
    {
        Path = path;
        Number = header.Number;
        LogGroupName = header.LogGroupName;
        HeaderLength = header.Length;
        Length = length;
        Recovered = recovered;
    }

    public string Path { get; }

    public long Number { get; }

    public string LogGroupName { get; }

    public int HeaderLength { get; }

    /// <summary>The bytes of whole records (and the header): what the reader may read.</summary>
    public long Length { get; private set; }

    /// <summary>Written by an earlier process: its record count is not known until read, and its end may be torn.</summary>
    public bool Recovered { get; }

    /// <summary>Records written by this process (0 for a recovered segment).</summary>
    public long Written { get; private set; }

    /// <summary>Records the reader has taken from it.</summary>
    public long Read { get; set; }

    /// <summary>Whether the writer has moved on to a newer segment.</summary>
    public bool Sealed { get; set; }

    public BufferPosition End => new(Number, Length);

    /// <summary>Creates a new segment with its header (written, not yet synced).</summary>
    public static SegmentFile Create(string directory, long number, string logGroupName, long createdMs)
    {
        string path = System.IO.Path.Combine(directory, SegmentFormat.FileName(number));
        byte[] header = SegmentFormat.Header(number, createdMs, logGroupName);
        SafeFileHandle handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        try
        {
            RandomAccess.Write(handle, header, 0);
        }
        catch
        {
            handle.Dispose();
            TryDelete(path);
            throw;
        }

        var segment = new SegmentFile(path, new SegmentHeader(number, createdMs, logGroupName, header.Length), header.Length, recovered: false) { _handle = handle, _dirtySinceSync = true };
        return segment;
    }

    /// <summary>Opens a segment an earlier process left; what its header says, and the segment when it is one to read.</summary>
    public static (HeaderCheck Check, SegmentFile? Segment) Recover(string path)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        try
        {
            var start = new byte[4096];
            int read = RandomAccess.Read(handle, start, 0);
            HeaderCheck check = SegmentFormat.ReadHeader(start.AsSpan(0, read), out SegmentHeader header);
            if (check != HeaderCheck.Valid)
            {
                handle.Dispose();
                return (check, null);
            }

            return (check, new SegmentFile(path, header, RandomAccess.GetLength(handle), recovered: true) { _handle = handle });
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Appends whole records; <see cref="Length"/> moves only once they are all written.</summary>
    public void Append(ReadOnlySpan<byte> records, int count)
    {
        RandomAccess.Write(Handle, records, Length);
        Length += records.Length;
        Written += count;
        _dirtySinceSync = true;
    }

    /// <summary>Reads from <paramref name="offset"/>; returns the bytes read (fewer at the end of the records).</summary>
    public int ReadAt(Span<byte> into, long offset)
    {
        int wanted = (int)Math.Min(into.Length, Length - offset);
        int total = 0;
        while (total < wanted)
        {
            int read = RandomAccess.Read(Handle, into[total..wanted], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>Flushes what was written to the disk, if anything was since the last time.</summary>
    public void Sync()
    {
        if (_dirtySinceSync && _handle is not null)
        {
            RandomAccess.FlushToDisk(_handle);
            _dirtySinceSync = false;
        }
    }

    /// <summary>Closes the file until it is needed again (a sealed segment that is not being read).</summary>
    public void Close()
    {
        if (!_dirtySinceSync)
        {
            _handle?.Dispose();
            _handle = null;
        }
    }

    /// <summary>Deletes the file: everything in it is finished with, or dropped and counted.</summary>
    public void Delete()
    {
        Dispose();
        TryDelete(Path);
    }

    /// <summary>Renames a damaged file aside, so that it is neither read again nor lost to whoever looks into it.</summary>
    public static void SetAside(string path)
    {
        try
        {
            File.Move(path, path + ".damaged", overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left where it is: it is refused again at the next start, which is all that matters.
        }
    }

    public void Dispose()
    {
        _handle?.Dispose();
        _handle = null;
    }

    private SafeFileHandle Handle => _handle ??= File.OpenHandle(Path, FileMode.Open, Recovered ? FileAccess.Read : FileAccess.ReadWrite);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Deleting finished data can fail (a read-only disk): the next start reads past it by its acknowledgement.
        }
    }
}
