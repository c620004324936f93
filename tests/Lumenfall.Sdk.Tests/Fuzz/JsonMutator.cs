using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using static Lumenfall.Sdk.Tests.Fuzz.HostileValues;

namespace Lumenfall.Sdk.Tests.Fuzz;

/// <summary>
/// Breaks a valid JSON reply in place: a field of the wrong type, a null item, a number too big, a bad URL or file
/// name, an unknown status, the key echoed back. Values that no JSON tree can hold (1e400, lone surrogates, invalid
/// UTF-8, deep nesting) are spliced into the bytes after serialization.
/// </summary>
internal sealed class JsonMutator
{
    private readonly Random _rng;
    private readonly string _key;
    private readonly List<byte[]> _raw = [];

    public JsonMutator(Random rng, string json, string key)
    {
        _rng = rng;
        _key = key;
        Root = JsonNode.Parse(json)!;
    }

    public JsonNode Root { get; }

    public List<string> Notes { get; } = [];

    public List<(string Url, Step Step)> Mentions { get; } = [];

    /// <summary>Applies one random mutation somewhere in the tree.</summary>
    public void MutateSomewhere()
    {
        List<Location> locations = [];
        Collect(Root, "$", null, locations);
        if (locations.Count == 0)
        {
            return;
        }

        // Half the time aim at a field the SDK reads by name.
        List<Location> named = locations.Where(l => l.Name is not null && Meaning(l.Name) != FieldMeaning.None).ToList();
        Location target = named.Count > 0 && _rng.Next(2) == 0 ? Pick(_rng, named) : Pick(_rng, locations);
        Mutate(target);
    }

    /// <summary>Sets the value at a simple path such as <c>$.images[0].file_name</c>, when it exists.</summary>
    public void Set(string path, byte[] raw)
    {
        List<Location> locations = [];
        Collect(Root, "$", null, locations);
        if (locations.FirstOrDefault(l => l.Path == path) is { } location)
        {
            Set(location, raw);
        }
    }

    /// <summary>Adds a field the SDK reads only when present (an error, a message) with a hostile value.</summary>
    public void AddField(string name)
    {
        if (Root is not JsonObject root)
        {
            return;
        }

        byte[] value = Meaning(name) == FieldMeaning.Error ? ErrorValue() : TextValue();
        root[name] = Raw(value);
        Note("$." + name, "+", value);
    }

    public byte[] ToBytes()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Root.ToJsonString());
        for (int i = 0; i < _raw.Count; i++)
        {
            byte[] marker = Encoding.ASCII.GetBytes($"\"@@RAW{i.ToString(CultureInfo.InvariantCulture)}@@\"");
            int at = bytes.AsSpan().IndexOf(marker);
            if (at >= 0)
            {
                bytes = [.. bytes.AsSpan(0, at), .. _raw[i], .. bytes.AsSpan(at + marker.Length)];
            }
        }

        return bytes;
    }

    private void Mutate(Location location)
    {
        JsonNode? current = location.Get();
        int roll = _rng.Next(100);
        FieldMeaning meaning = location.Name is null ? FieldMeaning.None : Meaning(location.Name);
        if (roll < 35 && meaning != FieldMeaning.None)
        {
            byte[] value = meaning switch
            {
                FieldMeaning.Url => Str(Pick(_rng, BadUrls(_rng))),
                FieldMeaning.FileName => _rng.Next(6) == 0 ? Utf8("\"\\ud83d.png\"") : Str(Pick(_rng, BadFileNames(_rng))),
                FieldMeaning.Status => _rng.Next(5) == 0 ? AnyValue(_rng, _key) : Str(Pick(_rng, OddStatuses(_rng, _key))),
                FieldMeaning.Id => _rng.Next(5) == 0 ? AnyValue(_rng, _key) : Str(Pick(_rng, OddIds(_rng, _key))),
                FieldMeaning.Base64 => Str(Pick(_rng, BadBase64)),
                FieldMeaning.MediaType => Str(Pick(_rng, OddMediaTypes(_rng))),
                FieldMeaning.Number => Utf8(Pick(_rng, HugeNumbers)),
                FieldMeaning.Logs => LogsValue(),
                FieldMeaning.Error => ErrorValue(),
                FieldMeaning.Text => TextValue(),
                _ => AnyValue(_rng, _key),
            };
            if (meaning == FieldMeaning.Url && location.Name is { } field && StepOfUrl(field) is Step step)
            {
                string text = Encoding.UTF8.GetString(value.AsSpan(1, value.Length - 2));
                if (!text.Contains('\\', StringComparison.Ordinal) && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri))
                {
                    Mentions.Add((uri.AbsoluteUri, step));
                }
            }

            Set(location, value);
            return;
        }

        if (current is JsonArray array && roll < 60)
        {
            switch (_rng.Next(3))
            {
                case 0:
                    location.Set(new JsonArray((JsonNode?)null));
                    Notes.Add(location.Path + " = [null]");
                    break;
                case 1:
                    array.Add((JsonNode?)null);
                    Notes.Add(location.Path + " += null");
                    break;
                default:
                    array.Insert(0, Raw(AnyValue(_rng, _key)));
                    Notes.Add(location.Path + "[0] inserted hostile item");
                    break;
            }

            return;
        }

        if (location.Parent is JsonObject parent && roll < 50)
        {
            parent.Remove(location.Key!);
            Notes.Add(location.Path + " removed");
            return;
        }

        if (location.Parent is JsonArray && roll < 50)
        {
            location.Set(null);
            Notes.Add(location.Path + " = null");
            return;
        }

        Set(location, AnyValue(_rng, _key));
    }

    private void Set(Location location, byte[] raw)
    {
        location.Set(Raw(raw));
        Note(location.Path, "=", raw);
    }

    private JsonNode Raw(byte[] raw)
    {
        _raw.Add(raw);
        return JsonValue.Create($"@@RAW{(_raw.Count - 1).ToString(CultureInfo.InvariantCulture)}@@");
    }

    private void Note(string path, string op, byte[] raw) =>
        Notes.Add($"{path} {op} {ReplySpec.Preview(Encoding.UTF8.GetString(raw), 60)}");

    private byte[] LogsValue() => _rng.Next(8) switch
    {
        0 => Utf8("[null]"),
        1 => Str("a log as a string " + _key),
        2 => Utf8("[{\"message\":null},{\"message\":5},{\"message\":\"\\ud83d\"},{\"level\":[]}]"),
        3 => Utf8($"[{{\"message\":\"x\",\"timestamp\":\"9999-99-99T99:99:99Z\"}},{{\"message\":\"y\",\"timestamp\":12}},{{\"message\":{Encoding.UTF8.GetString(Str(_key))}}}]"),
        4 => [.. Utf8("[{\"message\":"), .. Pick(_rng, InvalidUtf8), .. Utf8("}]")],
        5 => Utf8("[" + string.Join(',', Enumerable.Repeat("\"l\"", 20_000)) + "]"),
        6 => [.. Utf8("[{\"message\":"), .. Str(HugeString(_rng, _key)), .. Utf8("}]")],
        _ => Utf8(Deep(_rng)),
    };

    private byte[] ErrorValue() => _rng.Next(9) switch
    {
        0 => Str("Invalid credentials: " + _key),
        1 => [.. Utf8("{\"message\":"), .. Str("bad key " + _key), .. Utf8(",\"code\":"), .. Str(_key), .. Utf8(",\"type\":"), .. Str(_key), .. Utf8("}")],
        2 => [.. Utf8("{\"message\":"), .. Str(HugeString(_rng, _key)), .. Utf8("}")],
        3 => Utf8(Pick(_rng, WrongTypes)),
        4 => Utf8("{\"message\":{\"nested\":1},\"code\":5,\"type\":true}"),
        5 => [.. Utf8("{\"message\":"), .. Utf8(Pick(_rng, LoneSurrogates)), .. Utf8(",\"code\":\"CONTENT_POLICY_VIOLATION\"}")],
        6 => Str(HugeString(_rng, _key)),
        7 => [.. Utf8("{\"message\":"), .. Pick(_rng, InvalidUtf8), .. Utf8("}")],
        _ => Utf8(Deep(_rng)),
    };

    private byte[] TextValue() => _rng.Next(6) switch
    {
        0 => Str(_key),
        1 => Str("prefix " + _key + " suffix"),
        2 => Str(HugeString(_rng, _key)),
        3 => Utf8(Pick(_rng, LoneSurrogates)),
        4 => Pick(_rng, InvalidUtf8),
        _ => AnyValue(_rng, _key),
    };

    private static void Collect(JsonNode node, string path, string? name, List<Location> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach ((string key, JsonNode? child) in obj.ToList())
                {
                    string childPath = path + "." + key;
                    into.Add(new Location(obj, key, -1, childPath, key));
                    if (child is not null)
                    {
                        Collect(child, childPath, key, into);
                    }
                }

                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    string childPath = $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]";
                    into.Add(new Location(array, null, i, childPath, name));
                    if (array[i] is { } child)
                    {
                        Collect(child, childPath, name, into);
                    }
                }

                break;
        }
    }

    private static Step? StepOfUrl(string field) => field switch
    {
        "status_url" => Step.FalStatus,
        "response_url" => Step.FalResult,
        "cancel_url" => Step.FalCancel,
        "upload_url" => Step.UploadPut,
        "url" => Step.Download,
        _ => null,
    };

    private static FieldMeaning Meaning(string name) => name switch
    {
        "url" or "status_url" or "response_url" or "cancel_url" or "upload_url" or "file_url" => FieldMeaning.Url,
        "file_name" => FieldMeaning.FileName,
        "status" => FieldMeaning.Status,
        "request_id" or "task_id" or "id" => FieldMeaning.Id,
        "b64_json" => FieldMeaning.Base64,
        "content_type" or "output_format" => FieldMeaning.MediaType,
        "created" or "width" or "height" or "seed" or "file_size" or "queue_position" or "total_cost_micros" or "quantity" or "billable_quantity"
            or "unit_price" or "total_cost" or "cost" or "input_tokens" or "output_tokens" or "total_tokens" or "text_tokens" or "image_tokens"
            or "inference" or "inference_time" => FieldMeaning.Number,
        "logs" => FieldMeaning.Logs,
        "error" or "detail" => FieldMeaning.Error,
        "message" or "error_type" or "error_code" or "code" or "type" or "revised_prompt" or "prompt" or "model" or "provider" or "name"
            or "owned_by" or "description" or "currency" or "metric" or "executed_model" or "provider_name" or "cost_currency" or "size" => FieldMeaning.Text,
        _ => FieldMeaning.None,
    };

    private enum FieldMeaning
    {
        None,
        Url,
        FileName,
        Status,
        Id,
        Base64,
        MediaType,
        Number,
        Logs,
        Error,
        Text,
    }

    private sealed record Location(JsonNode Parent, string? Key, int Index, string Path, string? Name)
    {
        public JsonNode? Get() => Parent is JsonObject obj ? obj[Key!] : ((JsonArray)Parent)[Index];

        public void Set(JsonNode? value)
        {
            if (Parent is JsonObject obj)
            {
                obj[Key!] = value;
            }
            else
            {
                ((JsonArray)Parent)[Index] = value;
            }
        }
    }
}
