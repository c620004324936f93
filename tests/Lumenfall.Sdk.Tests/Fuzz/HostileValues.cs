using System.Globalization;
using System.Text;

namespace Lumenfall.Sdk.Tests.Fuzz;

/// <summary>
/// The hostile values a fuzz case draws from: each is raw JSON (bytes spliced into a body as they are), so it can be
/// a number no parser holds, a lone surrogate escape, invalid UTF-8 or nesting deeper than any reader allows.
/// </summary>
internal static class HostileValues
{
    public static readonly string[] WrongTypes =
        ["\"string\"", "\"\"", "0", "-1", "1.5", "true", "false", "null", "[]", "{}", "[null]", "{\"a\":null}", "[1,\"two\",null]", "{\"url\":\"https://x.example/a.png\"}"];

    public static readonly string[] HugeNumbers =
    [
        "1e400", "-1e400", "99999999999999999999", "-99999999999999999999", "1.7976931348623157e309", "4294967296", "2147483648",
        "-2147483649", "9223372036854775808", "-9223372036854775809", "1e-400", "-0", "0.1e1", "123456789012345678901234567890.5", "-1",
        "1E+308", "5e-324", "253402300800", "-62135596801",
    ];

    public static readonly string[] LoneSurrogates =
        ["\"\\ud83d\"", "\"\\udc00\"", "\"a\\ud800b\"", "\"\\ud83d\\ud83d\"", "\"\\u0000\"", "\"\\udfff\\ud800\"", "\"x\\u0000y\"", "\"\\ud83d.png\""];

    public static readonly byte[][] InvalidUtf8 =
    [
        [(byte)'"', (byte)'a', 0xFF, 0xFE, (byte)'b', (byte)'"'],
        [(byte)'"', 0xC3, 0x28, (byte)'"'],
        [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'],
        [(byte)'"', 0xF0, 0x28, 0x8C, 0xBC, (byte)'"'],
        [(byte)'"', 0xC0, 0xAF, (byte)'"'],
        [(byte)'"', 0x80, (byte)'"'],
        [(byte)'"', (byte)'o', (byte)'k', 0xF4, 0x90, 0x80, 0x80, (byte)'"'],
    ];

    public static string[] BadUrls(Random rng) =>
    [
        "string", "/relative/path.png", "relative.png", "../up.png", "ftp://example.com/x.png", "javascript:alert(1)", string.Empty, " ",
        "file:///etc/passwd", "data:image/png;base64,!!!!", "data:", "data:,", "data:image/png;base64,", "http://[::1", "https://", "https://:443/x",
        "//evil.example/x.png", "https://user:pass@example.com/x.png", "\u0000", "https://exa mple.com/a b.png", "https://example.com/a b.png",
        "https://example.com/a\r\nb.png", "https://example.com/a\nSet-Cookie: x=1", "https://example.com:99999/x", "https://example.com/%zz",
        "https://例え.jp/画像.png", "HTTPS://EXAMPLE.COM/X.PNG", "mailto:a@b.c", "urn:isbn:123", "https://evil.example/" + new string('a', 10_000),
        "http://169.254.169.254/latest/meta-data/", "https://v3.fal.media/files/fz/../../../x.png", "   https://v3.fal.media/files/fz/out.png   ",
        "https://v3.fal.media/files/fz/out.png#frag", "\\\\server\\share\\x.png", "C:\\x.png", "http://localhost:0/x", "https://evil.example/" + Garbage(rng, 40),
        "data:text/html,<script>alert(1)</script>", "data:image/png;base64," + new string('A', 5_000),
    ];

    public static string[] BadFileNames(Random rng) =>
    [
        "a\0b.png", "../../etc/passwd", "..", ".", "...", "a/b.png", "a\\b.png", "CON", "NUL.png", "com1.jpg", new string('x', 10_000), string.Empty, " ",
        ".png", "a:b.png", "/abs.png", "C:\\x.png", "\u202Egnp.exe", "image.png\r\n", "<script>.png", "a*b?.png", "~", "$HOME.png", "-rf.png",
        "aux", "LPT1.txt", " .png", new string('y', 300) + ".png", "..\\..\\x.png", "\u0001\u0002.png", "%2e%2e%2fx.png", Garbage(rng, 20) + ".png",
    ];

    public static string[] OddStatuses(Random rng, string key) =>
    [
        "WEIRD", string.Empty, " ", "completed", "COMPLETED ", " in_queue", "IN_QUEUE\u0000", "Completed", "SUCCEEDED", "FAILED", "ERROR",
        "CANCELLED", "CANCELED", "cancelled", "null", "undefined", new string('S', 20_000), key, "İN_QUEUE", "ｃｏｍｐｌｅｔｅｄ", "IN_PROGRESS",
        "OK", "ALREADY_COMPLETED", "NOT_FOUND", "CANCELLATION_REQUESTED", Garbage(rng, 12),
    ];

    public static string[] OddIds(Random rng, string key) =>
    [
        string.Empty, " ", "../../admin", "a/b", "?x=1#y", "%2e%2e", new string('i', 20_000), key, "req-" + key, "\u0000", "τασκ", "task id with spaces",
        "\r\n", "null", Garbage(rng, 16), "a\\b",
    ];

    public static string[] BadBase64 =>
    [
        "!!!!", "iVBOR", "====", "a", "YQ", "YQ=", "Y Q = =", "iVBORw0KGgo=\n", "data:image/png;base64,iVBORw0KGgo=",
        Convert.ToBase64String(Encoding.ASCII.GetBytes(new string('z', 30_000))), "\u0000", "-_-_", "iVBORw0K Ggo=", "=iVBORw0KGgo",
        "iVBORw0KGgoAAAANSUhEUg==extra", "\\u0041\\u0041\\u0041\\u0041",
    ];

    public static string[] OddMediaTypes(Random rng) =>
        [string.Empty, "image/", "text/html", "application/json", "image/png; charset=utf-8", "../../x", "IMAGE/PNG", "image/svg+xml", "*/*", new string('m', 10_000), "image/png\r\nX-Injected: 1", Garbage(rng, 10)];

    /// <summary>A raw JSON value: from the list of hostile kinds, for a field of no particular meaning.</summary>
    public static byte[] AnyValue(Random rng, string key)
    {
        return rng.Next(10) switch
        {
            0 or 1 or 2 => Utf8(Pick(rng, WrongTypes)),
            3 => Utf8(Pick(rng, HugeNumbers)),
            4 => Str(HugeString(rng, key)),
            5 => Utf8(Pick(rng, LoneSurrogates)),
            6 => Pick(rng, InvalidUtf8),
            7 => Utf8(Deep(rng)),
            8 => Str(key),
            _ => Str(Pick(rng, BadUrls(rng))),
        };
    }

    /// <summary>Tens of kilobytes, and now and then a few megabytes.</summary>
    public static string HugeString(Random rng, string key)
    {
        int length = rng.Next(100) == 0 ? rng.Next(1_000_000, 3_000_000) : rng.Next(10_000, 60_000);
        return rng.Next(5) switch
        {
            0 => new string('A', length),
            1 => string.Concat(Enumerable.Repeat(key + " ", (length / (key.Length + 1)) + 1)),
            2 => string.Concat(Enumerable.Repeat("é😀\u200B", (length / 4) + 1)),
            3 => string.Concat(Enumerable.Repeat("line\r\n", (length / 6) + 1)),
            _ => Garbage(rng, Math.Min(length, 60_000)),
        };
    }

    /// <summary>Nested arrays or objects: past the reader's depth limit, sometimes unbalanced.</summary>
    public static string Deep(Random rng)
    {
        int depth = rng.Next(3) switch
        {
            0 => 65,
            1 => 1_000,
            _ => 10_000,
        };
        bool balanced = rng.Next(3) != 0;
        return rng.Next(2) == 0
            ? new string('[', depth) + (balanced ? new string(']', depth) : string.Empty)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + (balanced ? new string('}', depth) : string.Empty);
    }

    public static string Garbage(Random rng, int length)
    {
        const string alphabet = "abcXYZ019 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t";
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            text.Append(alphabet[rng.Next(alphabet.Length)]);
        }

        return text.ToString();
    }

    public static byte[] RandomBytes(Random rng, int length)
    {
        byte[] bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    public static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A JSON string literal of <paramref name="text"/>, lone surrogates and control characters escaped, the rest as UTF-8.</summary>
    public static byte[] Str(string text)
    {
        var json = new StringBuilder(text.Length + 2);
        json.Append('"');
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                json.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (c is '"' or '\\')
            {
                json.Append('\\').Append(c);
            }
            else if (c < 0x20 || char.IsSurrogate(c))
            {
                json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                json.Append(c);
            }
        }

        return Encoding.UTF8.GetBytes(json.Append('"').ToString());
    }

    /// <summary>Odd <c>Retry-After</c> values: too big, negative, not numbers, dates far away or past.</summary>
    public static readonly string[] RetryAfter =
    [
        "1e16", "Infinity", "NaN", "99999999", "-5", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 1990 00:00:00 GMT", "garbage", string.Empty, "0", "1",
        "3600", "2147483648", "0.5", " 7 ", "Wed, 21 Oct 2015 07:28:00 GMT", "4294967", "86400000", "Sat, 21 Nov 2026 12:00:30 GMT",
    ];

    /// <summary>Odd <c>retry-after-ms</c> values.</summary>
    public static readonly string[] RetryAfterMs =
        ["1e16", "Infinity", "-Infinity", "NaN", "99999999", "-5", "1e308", "0", "1.5", "garbage", "9223372036854775807", "4294967295", "2592000000", "1e400"];

    public static readonly int[] InformationalStatuses = [100, 101, 102, 103, 199];

    public static readonly int[] OddSuccessStatuses = [201, 202, 203, 204, 205, 206, 207, 226, 299];

    public static readonly int[] ClientErrorStatuses =
        [400, 401, 402, 403, 404, 405, 406, 408, 409, 410, 411, 412, 413, 414, 415, 416, 418, 421, 422, 423, 425, 426, 428, 429, 431, 451, 499];

    public static readonly int[] ServerErrorStatuses = [500, 501, 502, 503, 504, 505, 507, 508, 511, 520, 524, 529, 599];

    public static readonly int[] OddStatusCodes = [0, 600, 999, 300, 304, 305, 306, 399];

    public static readonly string[] RedirectLocations =
    [
        "/elsewhere", "elsewhere", "../x", "javascript:alert(1)", "file:///etc/passwd", string.Empty, "   ", "ht!tp://garbage::", "//evil.example/x",
        "https://evil.example/landing", "ftp://x/y", "https://[::1", "data:text/plain,hi", "https://evil.example/" + new string('l', 10_000), "?q=1",
        "#frag", "https://evil.example/a b", "http://127.0.0.1:1/", "https://api.lumenfall.ai/openai/v1/models", "https://queue.fal.run/fal-ai/omnigen-v1",
    ];

    public static string HtmlPage(Random rng) =>
        $"<!DOCTYPE html>\n<html><head><title>{Pick(rng, ["502 Bad Gateway", "Just a moment...", "Login", "Service Unavailable"])}</title></head>"
        + "<body><h1>Something went wrong</h1><p>Please try again later.</p><script>window.location='/';</script></body></html>\n";
}
