using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// Reads an OpenAI-style images body (<c>{"data":[{"b64_json":"…"}]}</c>) from the response stream so that each image is
/// decoded from base64 as its bytes arrive, straight into the buffer the result keeps: no copy of the body, no base64
/// string. The rest of the body is small; it is kept as JSON in which every <c>"b64_json":"…"</c> (the key spelled
/// plainly or with JSON escapes) becomes <c>"b64_json_ref":n</c> (the index of the decoded image), then read with the
/// reply's own reader (<see cref="WireJson"/>). The first image's buffer is sized from what is left of the declared body, each later
/// one from the image before it (never beyond what is left); a buffer that turns out much larger than its image (the
/// body held more images after it) is traded for an exact one, so a body of four 1 MiB images keeps 4 MiB, not four
/// buffers the size of the body, and ten images do not allocate ten bodies' worth on the way. With a file per image
/// (<see cref="RequestOptions.InlineImageFile"/>), each image is decoded straight into its file instead, through one
/// small buffer: an image of any size costs the reader 64 KiB, not its size.
/// </summary>
internal static class StreamingImagesReader
{
    private const int ChunkSize = 64 * 1024;
    private static ReadOnlySpan<byte> Key => "b64_json"u8;
    private static ReadOnlySpan<byte> RefKey => "\"b64_json_ref\":"u8;

    /// <exception cref="JsonException">The body is not JSON <paramref name="readBody"/> accepts, or an image is not valid base64.</exception>
    public static async Task<(T Body, List<ReadOnlyMemory<byte>> Images, List<string>? Files)> ReadAsync<T>(
        HttpResponseMessage response, WireValueReader<T> readBody, long maxBytes, CancellationToken cancellationToken, Func<int, string>? inlineFile = null)
        where T : class
    {
        long? declared = response.Content.Headers.ContentLength;
        Stream stream = await ResponseBody.OpenAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
        var scanner = new Scanner(declared, inlineFile);
        byte[] chunk = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? ChunkSize, 256, ChunkSize));
        try
        {
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    scanner.Feed(chunk.AsSpan(0, read));
                }
            }

            scanner.Finish();
            return (WireJson.Read(scanner.Skeleton, readBody), scanner.Images, scanner.Files);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
            scanner.Dispose();
        }
    }

    /// <summary>A byte-at-a-time JSON scanner that knows strings, escapes and one key: <c>b64_json</c>.</summary>
    private sealed class Scanner(long? declared, Func<int, string>? inlineFile) : IDisposable
    {
        /// <summary>Base64 decoded into a file at a time: 64 KiB of text, 48 KiB of image.</summary>
        private const int SinkChunk = 64 * 1024;

        private FileStream? _sink;        // the file the image being decoded goes to, with a file per image
        private string? _sinkPath;
        private byte[]? _scratch;         // the one buffer images are decoded through into their files

        /// <summary>How much larger than its image a buffer may stay before the image is moved into an exact one.</summary>
        private const int Slack = 64 * 1024;

        // One small array for the key being compared (8), an escape being collected (6) and the base64 held back (4).
        private readonly byte[] _small = new byte[18];
        private long _fed;                // bytes of the body scanned before the current chunk
        private int _position;            // index in the current chunk
        private int _lastImage;           // bytes of the last image decoded
        private byte[] _skeleton = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? 1024, 256, 4096));
        private int _length;             // bytes of the skeleton written
        private State _state = State.Outside;
        private int _nameLength;          // bytes of the current string kept for comparison with the key (-1: too long)
        private long _keyStart = -1;      // where the last string that spelled the key began in the skeleton
        private bool _escaped;
        private int _escapeLength;
        private byte[]? _image;           // the image being decoded
        private int _written;
        private int _carried;

        private enum State { Outside, InString, AfterKey, BeforeValue, InImage }

        /// <summary>Gets the body with every image replaced by its index (pooled: valid until <see cref="Dispose"/>).</summary>
        public ReadOnlySpan<byte> Skeleton => _skeleton.AsSpan(0, _length);

        private Span<byte> NameBytes => _small.AsSpan(0, 8);

        private Span<byte> EscapeBytes => _small.AsSpan(8, 6);

        private Span<byte> CarryBytes => _small.AsSpan(14, 4);

        public List<ReadOnlyMemory<byte>> Images { get; } = [];

        /// <summary>Gets each image's file, when images are decoded into files (its entry in <see cref="Images"/> is empty).</summary>
        public List<string>? Files { get; } = inlineFile is null ? null : [];

        public void Feed(ReadOnlySpan<byte> bytes)
        {
            FeedChunk(bytes);
            _fed += bytes.Length;
        }

        private void FeedChunk(ReadOnlySpan<byte> bytes)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                // Runs that only need copying are copied at once: outside strings, up to the next quote; inside a
                // string that can no longer be the key, up to its closing quote or next escape.
                if (_state == State.Outside || (_state == State.InString && _nameLength < 0 && !_escaped))
                {
                    int stop = _state == State.Outside ? bytes[i..].IndexOf((byte)'"') : bytes[i..].IndexOfAny((byte)'"', (byte)'\\');
                    int run = stop < 0 ? bytes.Length - i : stop;
                    Append(bytes.Slice(i, run));
                    i += run;
                    if (i == bytes.Length)
                    {
                        return;
                    }
                }

                _position = i;
                byte b = bytes[i];
                switch (_state)
                {
                    case State.InImage:
                    {
                        if (_escapeLength > 0)
                        {
                            Escape(b);   // inside an escape, maybe begun in the last chunk
                            continue;
                        }

                        // Decode the longest run of base64 up to the closing quote or an escape in one call.
                        int end = bytes[i..].IndexOfAny((byte)'"', (byte)'\\');
                        int run = end < 0 ? bytes.Length - i : end;
                        Decode(bytes.Slice(i, run));
                        i += run;
                        if (end < 0)
                        {
                            return;
                        }

                        if (bytes[i] == '\\')
                        {
                            Escape(b: bytes[i]);
                            continue;
                        }

                        EndImage();
                        continue;
                    }

                    case State.InString:
                        Append(b);
                        if (_escaped)
                        {
                            NameEscape(b);
                        }
                        else if (b == '\\')
                        {
                            _escaped = true;
                            _escapeLength = 0;
                        }
                        else if (b == '"')
                        {
                            _state = _nameLength == Key.Length && NameBytes.SequenceEqual(Key) ? State.AfterKey : State.Outside;
                        }
                        else if (_nameLength >= 0 && _nameLength < Key.Length)
                        {
                            NameBytes[_nameLength++] = b;
                        }
                        else
                        {
                            _nameLength = -1;
                        }

                        continue;

                    case State.AfterKey:
                        if (b == ':')
                        {
                            Append(b);
                            _state = State.BeforeValue;
                            continue;
                        }

                        if (IsWhitespace(b))
                        {
                            Append(b);
                            continue;
                        }

                        _state = State.Outside;   // "b64_json" was a value, not a key
                        break;

                    case State.BeforeValue:
                        if (IsWhitespace(b))
                        {
                            continue;
                        }

                        if (b == '"')
                        {
                            StartImage();
                            continue;
                        }

                        _state = State.Outside;   // null or another type: the reply's reader decides
                        break;
                }

                Append(b);
                if (b == '"')
                {
                    _state = State.InString;
                    _nameLength = 0;
                    _keyStart = _length - 1;
                }
            }
        }

        public void Dispose()
        {
            byte[] skeleton = _skeleton;
            _skeleton = [];
            if (skeleton.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(skeleton);
            }

            if (_sink is not null)
            {
                // The body ended or failed inside an image: its file is incomplete, and no result will point at it.
                _sink.Dispose();
                _sink = null;
                File.Delete(_sinkPath!);
            }

            if (_scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
                _scratch = null;
            }
        }

        private void Append(byte b)
        {
            if (_length == _skeleton.Length)
            {
                Grow(1);
            }

            _skeleton[_length++] = b;
        }

        private void Append(ReadOnlySpan<byte> bytes)
        {
            if (_length + bytes.Length > _skeleton.Length)
            {
                Grow(bytes.Length);
            }

            bytes.CopyTo(_skeleton.AsSpan(_length));
            _length += bytes.Length;
        }

        private void Grow(int more)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_skeleton.Length * 2, _length + more));
            _skeleton.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_skeleton);
            _skeleton = larger;
        }

        public void Finish()
        {
            if (_state == State.InImage)
            {
                throw new JsonException("The response ended inside an image's base64.");
            }
        }

        private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

        /// <summary>
        /// One byte of an escape inside a string that may be a key: <c>\_</c>-style escapes and <c>\u005f</c> stand for
        /// the character they encode, so <c>"b64\u005fjson"</c> is the key as well.
        /// </summary>
        private void NameEscape(byte b)
        {
            EscapeBytes[_escapeLength++] = b;
            if (_escapeLength == 1 && b != 'u')
            {
                _escaped = false;
                _escapeLength = 0;
                NameChar(b switch { (byte)'b' => 8, (byte)'f' => 12, (byte)'n' => 10, (byte)'r' => 13, (byte)'t' => 9, _ => b });
                return;
            }

            if (_escapeLength < 5)
            {
                return;
            }

            _escaped = false;
            _escapeLength = 0;
            bool hex = System.Buffers.Text.Utf8Parser.TryParse(EscapeBytes.Slice(1, 4), out ushort code, out int consumed, 'X') && consumed == 4;
            NameChar(hex && code < 128 ? code : -1);
        }

        /// <summary>Adds one decoded character to the name being compared with the key (-1: not a character the key has).</summary>
        private void NameChar(int c)
        {
            if (c >= 0 && _nameLength >= 0 && _nameLength < Key.Length)
            {
                NameBytes[_nameLength++] = (byte)c;
            }
            else
            {
                _nameLength = -1;
            }
        }

        /// <summary>
        /// Collects one JSON escape inside the base64 (<c>\/</c>, or <c>\u002B</c> as encoders write <c>+</c>) and decodes
        /// the character it stands for.
        /// </summary>
        private void Escape(byte b)
        {
            EscapeBytes[_escapeLength++] = b;
            if (_escapeLength == 2 && EscapeBytes[1] != 'u')
            {
                _escapeLength = 0;
                Decode(EscapeBytes[1] is (byte)'/' ? "/"u8 : throw new JsonException("The image is not valid base64 (an escape inside b64_json that is not a base64 character)."));
                return;
            }

            if (_escapeLength < 6)
            {
                return;
            }

            _escapeLength = 0;
            if (!System.Buffers.Text.Utf8Parser.TryParse(EscapeBytes.Slice(2, 4), out ushort code, out int consumed, 'X') || consumed != 4 || code > 127)
            {
                throw new JsonException("The image is not valid base64 (an escape inside b64_json that is not a base64 character).");
            }

            Span<byte> one = [(byte)code];
            Decode(one);
        }

        private void StartImage()
        {
            // Rewrite the key in the skeleton: "b64_json": → "b64_json_ref":
            _length = (int)_keyStart;
            Append(RefKey);
            _state = State.InImage;
            _written = 0;
            _carried = 0;
            long remaining = declared is long length ? length - (_fed + _position) : -1;
            long fromBody = remaining > 0 ? Math.Min(remaining / 4 * 3 + 3, Array.MaxLength) : ChunkSize;
            long guess = _lastImage > 0 ? Math.Min(fromBody, (long)_lastImage + Slack) : fromBody;
            if (inlineFile is not null)
            {
                _sinkPath = inlineFile(Images.Count);
                _sink = new FileStream(_sinkPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
                _image = _scratch ??= ArrayPool<byte>.Shared.Rent(SinkChunk / 4 * 3 + 3);
                return;
            }

            _image = new byte[(int)Math.Max(guess, 3)];
        }

        private void EndImage()
        {
            if (_carried > 0)
            {
                DecodeBlock(CarryBytes[.._carried], final: true);
                _carried = 0;
            }

            if (_sink is not null)
            {
                _sink.Flush(flushToDisk: true);   // on disk before anyone journals it as saved
                _sink.Dispose();
                _sink = null;
                if (_written == 0)
                {
                    File.Delete(_sinkPath!);
                    Append("null"u8);
                }
                else
                {
                    Images.Add(ReadOnlyMemory<byte>.Empty);
                    Files!.Add(_sinkPath!);
                    Span<byte> index = stackalloc byte[11];
                    Utf8Formatter.TryFormat(Images.Count - 1, index, out int digits);
                    Append(index[..digits]);
                }
            }
            else if (_written == 0)
            {
                Append("null"u8);
            }
            else
            {
                if (_image!.Length - _written > Slack)
                {
                    Array.Resize(ref _image, _written);   // sized for the rest of the body, which held more than this image
                }

                Images.Add(_image.AsMemory(0, _written));
                _lastImage = _written;
                Span<byte> index = stackalloc byte[11];
                Utf8Formatter.TryFormat(Images.Count - 1, index, out int digits);
                Append(index[..digits]);
            }

            _image = null;
            _state = State.Outside;
        }

        /// <summary>Decodes what can be decoded now, holding back the last group: it may carry the padding of the final block.</summary>
        private void Decode(ReadOnlySpan<byte> base64)
        {
            if (base64.IsEmpty)
            {
                return;
            }

            if (_carried > 0)
            {
                int take = Math.Min(4 - _carried, base64.Length);
                base64[..take].CopyTo(CarryBytes[_carried..]);
                _carried += take;
                base64 = base64[take..];
                if (_carried < 4 || base64.IsEmpty)
                {
                    return;
                }

                DecodeBlock(CarryBytes, final: false);
                _carried = 0;
            }

            int hold = base64.Length % 4 == 0 ? 4 : base64.Length % 4;
            int whole = base64.Length - hold;
            if (whole > 0)
            {
                DecodeBlock(base64[..whole], final: false);
            }

            base64[whole..].CopyTo(CarryBytes);
            _carried = hold;
        }

        private void DecodeBlock(ReadOnlySpan<byte> base64, bool final)
        {
            if (_sink is not null)
            {
                // Through the one small buffer into the file, a slice at a time (whole groups of four until the last).
                while (!base64.IsEmpty)
                {
                    int take = Math.Min(base64.Length, SinkChunk);
                    bool last = take == base64.Length;
                    System.Buffers.OperationStatus sliced = Base64.DecodeFromUtf8(base64[..take], _scratch, out int used, out int decoded, isFinalBlock: final && last);
                    if (sliced != System.Buffers.OperationStatus.Done || used != take)
                    {
                        throw new JsonException($"The image is not valid base64 ({sliced}).");
                    }

                    _sink.Write(_scratch!, 0, decoded);
                    _written += decoded;
                    base64 = base64[take..];
                }

                return;
            }

            int needed = _written + (base64.Length / 4 * 3) + 3;
            if (needed > _image!.Length)
            {
                Array.Resize(ref _image, (int)Math.Min(Math.Max((long)_image.Length * 2, needed), Array.MaxLength));
            }

            System.Buffers.OperationStatus status = Base64.DecodeFromUtf8(base64, _image.AsSpan(_written), out int consumed, out int written, isFinalBlock: final);
            _written += written;
            if (status != System.Buffers.OperationStatus.Done || consumed != base64.Length)
            {
                throw new JsonException($"The image is not valid base64 ({status}).");
            }
        }
    }
}
