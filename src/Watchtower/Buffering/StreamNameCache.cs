using System.Runtime.CompilerServices;
using System.Text;

namespace Watchtower.Buffering;

/// <summary>Stream names as UTF-8 for writing, and back as one shared string per name for reading.</summary>
internal sealed class StreamNameCache
{
    private readonly Dictionary<string, byte[]> _bytes = new(StringComparer.Ordinal);
    private readonly (byte[] Bytes, string Name)[] _recent = new (byte[], string)[16];
    private string? _lastName;
    private byte[] _lastBytes = [];
    private int _nextSlot;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> BytesFor(string name)
    {
        if (ReferenceEquals(name, _lastName))
        {
            return _lastBytes;
        }

        if (!_bytes.TryGetValue(name, out byte[]? bytes))
        {
            if (_bytes.Count >= 4096)
            {
                _bytes.Clear();
            }

            bytes = Encoding.UTF8.GetBytes(name);
            _bytes[name] = bytes;
        }

        (_lastName, _lastBytes) = (name, bytes);
        return bytes;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string StringFor(ReadOnlySpan<byte> utf8)
    {
        foreach ((byte[] bytes, string name) in _recent)
        {
            if (bytes is not null && utf8.SequenceEqual(bytes))
            {
                return name;
            }
        }

        string made = Encoding.UTF8.GetString(utf8);
        _recent[_nextSlot] = (utf8.ToArray(), made);
        _nextSlot = (_nextSlot + 1) % _recent.Length;
        return made;
    }
}
