using System.Text;
using Lumenfall.Sdk.Tests.TestSupport;
using static Lumenfall.Sdk.Tests.Fuzz.HostileValues;

namespace Lumenfall.Sdk.Tests.Fuzz;

/// <summary>
/// The seeded generator: from one seed (<see cref="System.Random"/> only), a whole case — the path, which step gets
/// the hostile reply and how often, the reply itself, the client settings, and whether the caller cancels.
/// The same seed always builds the same case.
/// </summary>
internal static class HostileResponses
{
    private static readonly (FuzzPath Path, int Weight)[] PathWeights =
    [
        (FuzzPath.LumenfallGenerate, 10), (FuzzPath.LumenfallEdit, 6), (FuzzPath.ListModels, 4), (FuzzPath.GetModel, 3), (FuzzPath.GetModelSchema, 3),
        (FuzzPath.EstimateCost, 4), (FuzzPath.FalSync, 8), (FuzzPath.FalQueue, 14), (FuzzPath.FalStatusStream, 8), (FuzzPath.FalCancel, 6),
        (FuzzPath.FalUpload, 6), (FuzzPath.OmniRoutersSync, 8), (FuzzPath.OmniRoutersAsync, 10),
    ];

    /// <summary>The path of a seed's case (its first draw), without building the rest.</summary>
    public static FuzzPath PathOf(int seed) => PickPath(new Random(seed));

    public static FuzzFamily FamilyOf(FuzzPath path) => path switch
    {
        FuzzPath.FalSync or FuzzPath.FalQueue or FuzzPath.FalStatusStream or FuzzPath.FalCancel or FuzzPath.FalUpload => FuzzFamily.Fal,
        FuzzPath.OmniRoutersSync or FuzzPath.OmniRoutersAsync => FuzzFamily.OmniRouters,
        _ => FuzzFamily.Lumenfall,
    };

    public static HostileCase Create(int seed)
    {
        var rng = new Random(seed);
        FuzzPath path = PickPath(rng);
        bool upload = path == FuzzPath.FalUpload || (path is FuzzPath.FalSync or FuzzPath.FalQueue && rng.Next(4) == 0);
        bool downloads = path is FuzzPath.LumenfallGenerate or FuzzPath.LumenfallEdit or FuzzPath.FalSync or FuzzPath.FalQueue or FuzzPath.FalStatusStream
            or FuzzPath.OmniRoutersSync or FuzzPath.OmniRoutersAsync;
        DownloadMode download = !downloads ? DownloadMode.None : rng.Next(10) switch
        {
            < 3 => DownloadMode.None,
            < 7 => DownloadMode.OpenRead,
            _ => DownloadMode.SaveToFolder,
        };
        List<Step> steps = StepsOf(path, upload, download != DownloadMode.None);

        bool control = rng.Next(100) < 4;
        Step? target = control ? null : steps[rng.Next(steps.Count)];
        if (target is Step.FalResult or Step.FalSync && download != DownloadMode.None && rng.Next(10) < 7)
        {
            download = DownloadMode.SaveToFolder;   // a hostile file_name only matters when saving into a folder
        }

        int polls = rng.Next(4) == 0 ? 0 : rng.Next(1, 4);
        bool imagesAsUrl = target == Step.Download || path is FuzzPath.FalSync or FuzzPath.FalQueue or FuzzPath.FalStatusStream || rng.Next(3) != 0;
        var context = ContextOf(new HostileCase { Seed = seed, Path = path, Steps = steps, Settings = new FuzzSettings(), ImagesAsUrl = imagesAsUrl, StatusPolls = polls });

        FuzzSettings settings = Settings(rng);
        int times = rng.Next(100) switch
        {
            < 45 => 1,
            < 60 => 2,
            _ => int.MaxValue,
        };
        ReplySpec? hostile = target is Step step ? Hostile(rng, step, context) : null;
        TimeSpan? cancelAfter = control || rng.Next(100) >= 12 ? null : rng.Next(5) switch
        {
            0 => TimeSpan.Zero,
            1 => TimeSpan.FromMilliseconds(rng.Next(1, 2_000)),
            2 => TimeSpan.FromMilliseconds(rng.Next(1, 60_000)),
            _ => TimeSpan.FromMilliseconds(rng.NextInt64(1, (long)settings.Bound(new HostileCase { Seed = seed, Path = path, Steps = steps, Settings = settings }).TotalMilliseconds)),
        };

        return new HostileCase
        {
            Seed = seed,
            Path = path,
            Steps = steps,
            Target = target,
            HostileTimes = times,
            Hostile = hostile,
            Settings = settings,
            UploadLocalImage = upload,
            Download = download,
            CancelAfter = cancelAfter,
            StatusPolls = polls,
            ImagesAsUrl = imagesAsUrl,
        };
    }

    public static CaseContext ContextOf(HostileCase fuzzCase) =>
        new(fuzzCase.Seed, fuzzCase.Path, fuzzCase.OperationId, fuzzCase.ImagesAsUrl, fuzzCase.StatusPolls);

    private static FuzzPath PickPath(Random rng)
    {
        int roll = rng.Next(PathWeights.Sum(p => p.Weight));
        foreach ((FuzzPath path, int weight) in PathWeights)
        {
            if (roll < weight)
            {
                return path;
            }

            roll -= weight;
        }

        throw new InvalidOperationException("unreachable");
    }

    private static List<Step> StepsOf(FuzzPath path, bool upload, bool download)
    {
        List<Step> steps = upload ? [Step.UploadInitiate, Step.UploadPut] : [];
        steps.AddRange(path switch
        {
            FuzzPath.LumenfallGenerate => [Step.LumenfallGenerate],
            FuzzPath.LumenfallEdit => [Step.LumenfallEdit],
            FuzzPath.ListModels => [Step.Models],
            FuzzPath.GetModel => [Step.Model],
            FuzzPath.GetModelSchema => [Step.ModelSchema],
            FuzzPath.EstimateCost => [Step.Cost],
            FuzzPath.FalSync => [Step.FalSync],
            FuzzPath.FalQueue => [Step.FalSubmit, Step.FalStatus, Step.FalResult],
            FuzzPath.FalStatusStream => [Step.FalSubmit, Step.FalStatusStream, Step.FalResult],
            FuzzPath.FalCancel => [Step.FalSubmit, Step.FalCancel],
            FuzzPath.FalUpload => [Step.FalSubmit],
            FuzzPath.OmniRoutersSync => [Step.OmniSync],
            FuzzPath.OmniRoutersAsync => [Step.OmniSubmit, Step.OmniTask],
            _ => [],
        });
        if (download)
        {
            steps.Add(Step.Download);
        }

        return steps;
    }

    private static FuzzSettings Settings(Random rng)
    {
        TimeSpan baseDelay = TimeSpan.FromMilliseconds(rng.Next(1, 2_000));
        return new FuzzSettings
        {
            MaxRetries = rng.Next(4),
            DownloadRetries = rng.Next(4),
            BaseDelay = baseDelay,
            MaxDelay = baseDelay + TimeSpan.FromMilliseconds(rng.Next(0, 30_000)),
            MaxRetryAfter = TimeSpan.FromSeconds(rng.Next(0, 121)),
            GenerationTimeout = TimeSpan.FromSeconds(rng.Next(10, 601)),
            RequestTimeout = TimeSpan.FromSeconds(rng.Next(1, 61)),
            DownloadTimeout = TimeSpan.FromSeconds(rng.Next(5, 301)),
            // At least 30 s: OmniRouters polls every 5 s, and an all-valid control case may see four statuses.
            OperationTimeout = TimeSpan.FromSeconds(rng.Next(30, 601)),
            MaxResponseBytes = rng.Next(5) == 0 ? rng.Next(1_024, 1_048_576) : 256L * 1024 * 1024,
            IncludeLogs = rng.Next(2) == 0,
        };
    }

    /// <summary>A hostile reply for a step: a fault, an error status, a redirect, a broken body, broken transport or odd headers.</summary>
    public static ReplySpec Hostile(Random rng, Step step, CaseContext context)
    {
        if (step is Step.FalResult or Step.FalSync && rng.Next(100) < 15)
        {
            return BadFileName(rng, step, context);
        }

        ReplySpec spec = rng.Next(100) switch
        {
            < 8 => Fault(rng),
            < 22 => ErrorStatus(rng, step, context),
            < 28 => Redirect(rng),
            < 58 => Mutated(rng, step, context),
            < 72 => Corrupt(rng, step, context),
            < 84 => BrokenTransport(rng, step, context),
            _ => OddHeaders(rng, step, context),
        };

        if (spec.Fault is null)
        {
            if (rng.Next(100) < 15)
            {
                string name = Pick(rng, ["x-request-id", "X-Lumenfall-Request-Id", "x-fal-request-id", "X-Lumenfall-Model", "X-Lumenfall-Provider"]);
                string value = Pick(rng, [context.Key, "req-" + context.Key, new string('r', 20_000), " ", "\u00e9t\u00e9", context.Key + ", other"]);
                spec.Headers.Add((name, value));
            }

            if (rng.Next(100) < 8)
            {
                spec.ContentHeaders.RemoveAll(h => h.Name == "Content-Type");
                spec.ContentHeaders.Add(("Content-Type", Pick(rng, ["text/html; charset=utf-8", "text/plain", "application/octet-stream", "application/json; charset=utf-16", "application/json; charset=bogus", "image/png", "text/event-stream", "garbage"])));
            }

            if (rng.Next(100) < 10 && spec.Body.Length < 65_536 && spec.End is BodyEnd.Normal)
            {
                spec.ChunkSize = rng.Next(1, 8);
            }
        }

        return spec;
    }

    private static ReplySpec Fault(Random rng)
    {
        int roll = rng.Next(100);
        if (roll < 35)
        {
            HttpRequestError error = Pick(rng, Enum.GetValues<HttpRequestError>());
            return new ReplySpec
            {
                Kind = "fault",
                Hostile = true,
                Fault = FaultKind.HttpRequest,
                FaultError = error,
                FaultMessage = Pick(rng, ["Connection refused (api.example:443)", "Name or service not known", "The SSL connection could not be established", "An error occurred while sending the request.", string.Empty]),
            };
        }

        FaultKind kind = roll switch
        {
            < 50 => FaultKind.TimeoutCanceled,
            < 65 => FaultKind.IO,
            < 75 => FaultKind.HttpIO,
            < 80 => FaultKind.PlainCanceled,
            _ => FaultKind.NeverAnswers,
        };
        return new ReplySpec { Kind = "fault", Hostile = true, Fault = kind };
    }

    private static ReplySpec ErrorStatus(Random rng, Step step, CaseContext context)
    {
        int roll = rng.Next(100);
        int status = roll switch
        {
            < 5 => Pick(rng, InformationalStatuses),
            < 10 => Pick(rng, [204, 205, 206, 226]),
            < 15 => Pick(rng, OddStatusCodes),
            < 25 => Pick(rng, [400, 422]),
            < 60 => Pick(rng, ClientErrorStatuses),
            _ => Pick(rng, ServerErrorStatuses),
        };
        (string kind, byte[] body, string? type) = status is 400 or 422 && rng.Next(10) < 6
            ? ("field errors", FieldErrors(rng, context), "application/json")
            : ErrorBody(rng, step, context);
        var spec = new ReplySpec { Kind = $"error status, {kind}", Hostile = true, Status = status, Body = body };
        if (type is not null)
        {
            spec.ContentHeaders.Add(("Content-Type", type));
        }

        if (rng.Next(100) < 30)
        {
            spec.Headers.Add(("Retry-After", Pick(rng, RetryAfter)));
        }

        if (rng.Next(100) < 10)
        {
            spec.Headers.Add(("retry-after-ms", Pick(rng, RetryAfterMs)));
        }

        if (status == 504 && rng.Next(3) == 0)
        {
            spec.Headers.Add(("X-Fal-Request-Timeout-Type", Pick(rng, ["user", "USER", "upstream", string.Empty])));
        }

        if (rng.Next(100) < 12)
        {
            spec.Headers.Add(("X-Fal-Error-Type", Pick(rng, [context.Key, "content_policy_violation", new string('t', 20_000), " ", "RATE_LIMITED"])));
        }

        if (rng.Next(100) < 8)
        {
            return new ReplySpec
            {
                Kind = spec.Kind + ", reason phrase echoes the key",
                Hostile = true,
                Status = spec.Status,
                Body = spec.Body,
                Reason = "Bad key " + context.Key,
            }.WithHeadersOf(spec);
        }

        return spec;
    }

    /// <summary>An error body: an envelope with hostile fields, nothing, HTML, text, a valid body, or broken JSON.</summary>
    private static (string Kind, byte[] Body, string? ContentType) ErrorBody(Random rng, Step step, CaseContext context)
    {
        string key = context.Key;
        byte[] Message() => rng.Next(8) switch
        {
            0 => Str("Something failed"),
            1 => Str("Invalid API key " + key),
            2 => Str(HugeString(rng, key)),
            3 => Utf8(Pick(rng, LoneSurrogates)),
            4 => Utf8(Pick(rng, WrongTypes)),
            5 => Pick(rng, InvalidUtf8),
            6 => Str(string.Empty),
            _ => Str("The prompt was flagged"),
        };
        byte[] Code() => rng.Next(8) switch
        {
            0 => Str(Pick(rng, ["RATE_LIMITED", "CONTENT_POLICY_VIOLATION", "INSUFFICIENT_BALANCE", "AUTHENTICATION_FAILED", "MODEL_NOT_FOUND", "TASK_NOT_EXIST", "UPSTREAM_ERROR", "NOT_FOUND"])),
            1 => Str(key),
            2 => Str(HugeString(rng, key)),
            3 => Utf8(Pick(rng, WrongTypes)),
            4 => Utf8(Pick(rng, HugeNumbers)),
            5 => Str("ıntegrıty_error"),
            6 => Utf8(Pick(rng, LoneSurrogates)),
            _ => Str("weird_code"),
        };

        int roll = rng.Next(100);
        if (roll < 40)
        {
            byte[] envelope = rng.Next(9) switch
            {
                0 => [.. Utf8("{\"error\":{\"message\":"), .. Message(), .. Utf8(",\"type\":"), .. Code(), .. Utf8(",\"code\":"), .. Code(), .. Utf8(",\"param\":"), .. Code(), .. Utf8("}}")],
                1 => [.. Utf8("{\"error\":"), .. Message(), .. Utf8("}")],
                2 => [.. Utf8("{\"error\":{\"error_code\":"), .. Code(), .. Utf8(",\"message\":"), .. Message(), .. Utf8("}}")],
                3 => [.. Utf8("{\"error_code\":"), .. Code(), .. Utf8(",\"message\":"), .. Message(), .. Utf8("}")],
                4 => [.. Utf8("{\"detail\":"), .. Message(), .. Utf8(",\"error_type\":"), .. Code(), .. Utf8("}")],
                5 => [.. Utf8("{\"detail\":[{\"loc\":[\"body\",\"prompt\"],\"msg\":"), .. Message(), .. Utf8(",\"type\":"), .. Code(), .. Utf8("},null,5,{\"loc\":\"x\"},{\"loc\":[null,{\"a\":1},1e400]},[]]}")],
                6 => [.. Utf8("{\"code\":"), .. Code(), .. Utf8(",\"message\":"), .. Message(), .. Utf8(",\"data\":null}")],
                7 => Utf8("{\"error\":null,\"detail\":null,\"error_code\":null}"),
                _ => Utf8("{\"error\":[1,2],\"detail\":{\"a\":[]}}"),
            };
            return ("error envelope", envelope, "application/json");
        }

        return roll switch
        {
            < 55 => ("empty body", [], null),
            < 65 => ("HTML body", Utf8(HtmlPage(rng)), "text/html"),
            < 75 => ("text body", Utf8(Pick(rng, ["Internal Server Error", "upstream connect error or disconnect/reset before headers", "Unauthorized: key " + key, HugeString(rng, key)])), "text/plain"),
            < 85 => ("valid body", Utf8(step == Step.Download ? "\u0089PNG" : ValidReplies.Json(context, step)), "application/json"),
            _ => ("broken JSON", CorruptJson(rng, step, context).Body, "application/json"),
        };
    }

    /// <summary>FastAPI-style field errors (<c>{"detail":[{loc,msg,type}]}</c>), some items broken.</summary>
    private static byte[] FieldErrors(Random rng, CaseContext context)
    {
        var items = new List<byte[]>();
        int count = rng.Next(1, 4);
        for (int i = 0; i < count; i++)
        {
            items.Add(rng.Next(10) switch
            {
                0 => Utf8("null"),
                1 => Utf8(Pick(rng, WrongTypes)),
                2 => [.. Utf8("{\"loc\":[\"body\",\"num_images\"],\"msg\":"), .. Str("must be <= 4, key " + context.Key), .. Utf8(",\"type\":\"less_than_equal\"}")],
                3 => [.. Utf8("{\"loc\":[null,{\"a\":1},1e400,\"prompt\"],\"msg\":"), .. Utf8(Pick(rng, LoneSurrogates)), .. Utf8(",\"type\":5}")],
                4 => [.. Utf8("{\"loc\":\"prompt\",\"msg\":"), .. Str(HugeString(rng, context.Key)), .. Utf8("}")],
                _ => Utf8("{\"loc\":[\"body\",\"prompt\"],\"msg\":\"field required\",\"type\":\"missing\"}"),
            });
        }

        byte[] list = [.. Utf8("["), .. items.SelectMany((item, i) => i == 0 ? item : [(byte)',', .. item]), .. Utf8("]")];
        return rng.Next(3) == 0
            ? [.. Utf8("{\"error\":{\"message\":\"Invalid request\",\"type\":\"invalid_request_error\"},\"detail\":"), .. list, .. Utf8("}")]
            : [.. Utf8("{\"detail\":"), .. list, .. Utf8("}")];
    }

    private static ReplySpec Redirect(Random rng)
    {
        int status = rng.Next(5) == 0 ? Pick(rng, [300, 304, 305, 306]) : Pick(rng, [301, 302, 303, 307, 308]);
        bool self = rng.Next(4) == 0;
        bool none = !self && rng.Next(10) == 0;
        var spec = new ReplySpec
        {
            Kind = self ? "redirect loop" : none ? "redirect without Location" : "redirect",
            Hostile = true,
            Status = status,
            Location = self ? LocationKind.Self : none ? LocationKind.None : LocationKind.Literal,
            LocationText = self || none ? null : Pick(rng, RedirectLocations),
            Body = rng.Next(2) == 0 ? [] : Utf8("<html><body>Moved</body></html>"),
        };
        return spec;
    }

    /// <summary>A well-formed reply for the step with one to three fields broken.</summary>
    private static ReplySpec Mutated(Random rng, Step step, CaseContext context)
    {
        if (step == Step.Download)
        {
            return ImageVariant(rng, context);
        }

        if (step == Step.FalStatusStream)
        {
            return StreamVariant(rng, context);
        }

        if (step is Step.FalStatus or Step.OmniTask && rng.Next(100) < 15)
        {
            return FailedWithEcho(rng, step, context);
        }

        var mutator = new JsonMutator(rng, ValidReplies.Json(context, step, terminal: rng.Next(3) != 0), context.Key);
        int count = rng.Next(1, 4);
        for (int i = 0; i < count; i++)
        {
            mutator.MutateSomewhere();
        }

        string[] extras = step switch
        {
            Step.FalStatus or Step.FalSubmit => ["error", "error_type", "detail"],
            Step.LumenfallGenerate or Step.LumenfallEdit => ["error", "error_code"],
            Step.OmniSync or Step.OmniSubmit or Step.OmniTask => ["error", "message"],
            Step.FalSync or Step.FalResult => ["detail"],
            _ => [],
        };
        if (extras.Length > 0 && rng.Next(100) < 25)
        {
            mutator.AddField(Pick(rng, extras));
        }

        int status = rng.Next(10) == 0 ? Pick(rng, OddSuccessStatuses.Where(s => s is not (204 or 205)).ToArray()) : step == Step.FalCancel ? 202 : 200;
        var spec = new ReplySpec
        {
            Kind = "mutated JSON: " + string.Join("; ", mutator.Notes),
            Hostile = true,
            Status = status,
            Body = mutator.ToBytes(),
        };
        spec.ContentHeaders.Add(("Content-Type", "application/json"));
        spec.Mentions.AddRange(mutator.Mentions);
        return spec;
    }

    /// <summary>A valid output whose only fault is the image's file_name, for <see cref="GeneratedImage.SaveAsync(string, CancellationToken)"/> into a folder.</summary>
    private static ReplySpec BadFileName(Random rng, Step step, CaseContext context)
    {
        var mutator = new JsonMutator(rng, ValidReplies.Json(context, step), context.Key);
        mutator.Set("$.images[0].file_name", rng.Next(8) == 0 ? Utf8("\"\\ud83d.png\"") : Str(Pick(rng, BadFileNames(rng))));
        var spec = new ReplySpec { Kind = "bad file_name: " + string.Join("; ", mutator.Notes), Hostile = true, Body = mutator.ToBytes() };
        spec.ContentHeaders.Add(("Content-Type", "application/json"));
        return spec;
    }

    /// <summary>A terminal status whose error echoes the key (and is sometimes huge): the failure's message must not carry either.</summary>
    private static ReplySpec FailedWithEcho(Random rng, Step step, CaseContext context)
    {
        byte[] message = rng.Next(3) == 0 ? Str(HugeString(rng, context.Key)) : Str("worker crashed; auth " + context.Key);
        byte[] body = step == Step.FalStatus
            ? [.. Utf8($"{{\"request_id\":\"{context.OperationId}\",\"status\":\"{Pick(rng, ["COMPLETED", "FAILED", "ERROR", "CANCELLED"])}\",\"error\":"), .. (rng.Next(2) == 0 ? message : [.. Utf8("{\"message\":"), .. message, .. Utf8(",\"type\":"), .. Str(context.Key), .. Utf8("}")]), .. Utf8(",\"error_type\":"), .. Str(context.Key), .. Utf8("}")]
            : [.. Utf8($"{{\"task_id\":\"{context.OperationId}\",\"status\":\"{Pick(rng, ["failed", "FAILURE", "error", "cancelled"])}\",\"message\":"), .. message, .. (rng.Next(2) == 0 ? Utf8("}") : [.. Utf8(",\"error\":{\"message\":"), .. message, .. Utf8(",\"code\":"), .. Str(context.Key), .. Utf8("}}")])];
        var spec = new ReplySpec { Kind = "terminal failure echoing the key", Hostile = true, Body = body };
        spec.ContentHeaders.Add(("Content-Type", "application/json"));
        return spec;
    }

    /// <summary>A reply whose whole body is wrong: empty, a literal, truncated, re-encoded, HTML, random bytes, too deep.</summary>
    private static ReplySpec Corrupt(Random rng, Step step, CaseContext context)
    {
        if (step == Step.Download)
        {
            return ImageVariant(rng, context);
        }

        if (step == Step.FalStatusStream && rng.Next(2) == 0)
        {
            return StreamVariant(rng, context);
        }

        (string kind, byte[] body) = CorruptJson(rng, step, context);
        var spec = new ReplySpec
        {
            Kind = "corrupt body: " + kind,
            Hostile = true,
            Status = rng.Next(10) == 0 ? Pick(rng, OddSuccessStatuses) : 200,
            Body = body,
        };
        spec.ContentHeaders.Add(("Content-Type", step == Step.FalStatusStream ? "text/event-stream" : "application/json"));
        return spec;
    }

    private static (string Kind, byte[] Body) CorruptJson(Random rng, Step step, CaseContext context)
    {
        byte[] valid = Utf8(ValidReplies.Json(context, step));
        return rng.Next(16) switch
        {
            0 => ("empty", []),
            1 => ("a bare literal", Utf8(Pick(rng, ["null", "[]", "0", "\"text\"", "true", "{}", "\"\"", "-", "[null]", "{\"data\":[null]}", "{\"images\":[null]}"]))),
            2 => ("truncated", valid[..rng.Next(1, valid.Length)]),
            3 => ("trailing garbage", [.. valid, .. Utf8(Pick(rng, ["}garbage", " xyz", "{}", "\u0000", ",", "]"]))]),
            4 => ("UTF-8 BOM", [0xEF, 0xBB, 0xBF, .. valid]),
            5 => ("UTF-16", Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(valid))),
            6 => ("invalid UTF-8 bytes", Inject(rng, valid)),
            7 => ("HTML", Utf8(HtmlPage(rng))),
            8 => ("random bytes", RandomBytes(rng, rng.Next(1, 2_000))),
            9 => ("deep nesting", Utf8(Deep(rng))),
            10 => ("huge", rng.Next(2) == 0 ? Str(HugeString(rng, context.Key)) : [.. Utf8(new string(' ', rng.Next(10_000, 60_000))), .. valid]),
            11 => ("duplicate keys", Duplicate(valid)),
            12 => ("comments and trailing commas", [.. Utf8("{/* c */"), .. valid.AsSpan(1, valid.Length - 2), .. Utf8(",}")]),
            13 => ("NaN literal", [.. Utf8("{\"nan\":NaN,\"inf\":Infinity,"), .. valid.AsSpan(1)]),
            14 => ("two documents", [.. valid, .. valid]),
            _ => ("plain text echoing the key", Utf8("Invalid key: " + context.Key)),
        };
    }

    private static byte[] Inject(Random rng, byte[] valid)
    {
        var bytes = valid.ToList();
        int count = rng.Next(1, 5);
        for (int i = 0; i < count; i++)
        {
            bytes.InsertRange(rng.Next(bytes.Count), Pick<byte[]>(rng, [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0x80], [0xC0, 0xAF]]));
        }

        return [.. bytes];
    }

    private static byte[] Duplicate(byte[] valid)
    {
        string text = Encoding.UTF8.GetString(valid).Trim();
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (!text.StartsWith('{') || colon < 0)
        {
            return valid;
        }

        string firstKey = text[1..colon].Trim();
        return Utf8("{" + firstKey + ":null," + text[1..] + "");
    }

    /// <summary>A body that breaks off, never ends, or is shorter than it says.</summary>
    private static ReplySpec BrokenTransport(Random rng, Step step, CaseContext context)
    {
        ReplySpec valid = ValidReplies.For(context, step, int.MaxValue);
        bool error = rng.Next(10) < 3;
        byte[] body = error ? ErrorBody(rng, step, context).Body : valid.Body;
        int status = error ? Pick(rng, [500, 502, 429, 400, 404, 503]) : valid.Status;
        int roll = rng.Next(100);
        var spec = new ReplySpec
        {
            Kind = "broken transport" + (error ? " on an error reply" : " on a valid reply"),
            Hostile = true,
            Status = status,
            Body = body,
        };
        spec.ContentHeaders.AddRange(valid.ContentHeaders);
        if (roll < 40)
        {
            spec.End = rng.Next(3) switch { 0 => BodyEnd.ResetIOException, 1 => BodyEnd.ResetHttpIOException, _ => BodyEnd.UndecodableInvalidData };
            spec.CutAt = rng.Next(0, body.Length + 1);
        }
        else if (roll < 65)
        {
            int delivered = rng.Next(0, Math.Max(1, body.Length));
            spec.Body = body[..Math.Min(delivered, body.Length)];
            spec.DeclaredLength = rng.Next(3) == 0 ? 500 : body.Length + rng.Next(1, 1_000);
            spec.DeclaredLength = Math.Max(spec.DeclaredLength.Value, spec.Body.Length + 1);
            spec.End = rng.Next(2) == 0 ? BodyEnd.ShortOfDeclaredClean : BodyEnd.ShortOfDeclaredHttpIOException;
        }
        else if (roll < 95)
        {
            spec.End = BodyEnd.NeverEnds;
            spec.CutAt = rng.Next(2) == 0 ? body.Length : rng.Next(0, body.Length + 1);
        }
        else
        {
            spec.DeclaredLength = Pick(rng, [1L << 40, long.MaxValue, 300_000_000L]);
        }

        if (rng.Next(100) < 30 && body.Length < 65_536)
        {
            spec.ChunkSize = rng.Next(1, 17);
        }

        return spec;
    }

    /// <summary>Odd Retry-After headers on a throttled, failing or even successful reply.</summary>
    private static ReplySpec OddHeaders(Random rng, Step step, CaseContext context)
    {
        int status = Pick(rng, [429, 503, 202, 200, 500, 408, 504, 502, 425, 200, 202]);
        ReplySpec valid = ValidReplies.For(context, step, rng.Next(2) == 0 ? 0 : int.MaxValue);
        byte[] body = status < 300 ? valid.Body : ErrorBody(rng, step, context).Body;
        var spec = new ReplySpec { Kind = "odd retry headers", Hostile = true, Status = status, Body = body };
        spec.ContentHeaders.AddRange(status < 300 ? valid.ContentHeaders : [("Content-Type", "application/json")]);
        int which = rng.Next(3);
        if (which != 1)
        {
            spec.Headers.Add(("Retry-After", Pick(rng, RetryAfter)));
        }

        if (which != 0)
        {
            spec.Headers.Add(("retry-after-ms", Pick(rng, RetryAfterMs)));
        }

        return spec;
    }

    /// <summary>A download that is not the image it claims: empty, HTML, JSON, random or cut bytes, an odd media type.</summary>
    private static ReplySpec ImageVariant(Random rng, CaseContext context)
    {
        (string kind, byte[] body) = rng.Next(8) switch
        {
            0 => ("empty image", Array.Empty<byte>()),
            1 => ("HTML instead of an image", Utf8(HtmlPage(rng))),
            2 => ("JSON instead of an image", Utf8("{\"error\":{\"message\":\"denied " + context.Key + "\"}}")),
            3 => ("random bytes", RandomBytes(rng, rng.Next(1, 4_096))),
            4 => ("truncated PNG", TestImages.Png[..rng.Next(1, TestImages.Png.Length)]),
            5 => ("large random image", RandomBytes(rng, rng.Next(1_000_000, 3_000_000))),
            6 => ("JPEG bytes", TestImages.Jpeg),
            _ => ("PNG", TestImages.Png),
        };
        var spec = new ReplySpec { Kind = "image body: " + kind, Hostile = true, Body = body, Status = rng.Next(8) == 0 ? Pick(rng, OddSuccessStatuses) : 200 };
        string? type = rng.Next(3) == 0 ? "image/png" : Pick(rng, OddMediaTypes(rng).Where(t => !t.Contains('\n', StringComparison.Ordinal)).Append(null).ToArray());
        if (type is not null)
        {
            spec.ContentHeaders.Add(("Content-Type", type));
        }

        return spec;
    }

    /// <summary>A status stream with broken events, odd lines, no end, or a flood of unknown statuses.</summary>
    private static ReplySpec StreamVariant(Random rng, CaseContext context)
    {
        var events = new List<byte[]>();
        var notes = new List<string>();
        int count = rng.Next(1, 5);
        string newline = Pick(rng, ["\n", "\n", "\r\n", "\r"]);
        for (int i = 0; i < count; i++)
        {
            switch (rng.Next(12))
            {
                case 0:
                case 1:
                case 2:
                {
                    var mutator = new JsonMutator(rng, ValidReplies.Json(context, Step.FalStatusStream, terminal: rng.Next(2) == 0), context.Key);
                    mutator.MutateSomewhere();
                    if (rng.Next(3) == 0)
                    {
                        mutator.AddField(Pick(rng, ["error", "error_type"]));
                    }

                    notes.AddRange(mutator.Notes);
                    events.Add([.. Utf8("data: "), .. Flatten(mutator.ToBytes()), .. Utf8(newline + newline)]);
                    break;
                }

                case 3:
                    events.Add(Utf8("data: " + Pick(rng, ["null", "[]", "5", "{", "\"s\"", "{}"]) + newline + newline));
                    notes.Add("a non-object event");
                    break;
                case 4:
                    events.Add(Utf8(Pick(rng, [": ping", "event: error", "id: 1", "retry: -5", "retry: 1e400", "data", ":", "data:"]) + newline));
                    notes.Add("an odd line");
                    break;
                case 5:
                    events.Add([.. Utf8("data: {\"status\":\"COMPLETED\",\"error\":"), .. Str("failed for key " + context.Key), .. Utf8(",\"error_type\":"), .. Str(context.Key), .. Utf8("}" + newline + newline)]);
                    notes.Add("COMPLETED with an error echoing the key");
                    break;
                case 6:
                    events.Add(Utf8(string.Concat(Enumerable.Repeat("data: {\"status\":\"WEIRD\"}" + newline + newline, rng.Next(1, 60)))));
                    notes.Add("unknown statuses");
                    break;
                case 7:
                    events.Add(Utf8("data: " + new string('x', rng.Next(10_000, 2_000_000))));
                    notes.Add("one huge line");
                    break;
                case 8:
                    events.Add([.. Utf8("data: {\"status\":"), .. Pick(rng, InvalidUtf8), .. Utf8("}" + newline + newline)]);
                    notes.Add("invalid UTF-8 in an event");
                    break;
                case 9:
                    events.Add([.. Utf8("data: {\"status\":\"IN_PROGRESS\",\"logs\":[{\"message\":"), .. Utf8(Pick(rng, LoneSurrogates)), .. Utf8("},{\"message\":"), .. Str(context.Key), .. Utf8("}]}" + newline + newline)]);
                    notes.Add("logs with lone surrogates and the key");
                    break;
                case 10:
                    events.Add(Utf8("data: " + Deep(rng) + newline + newline));
                    notes.Add("deep nesting");
                    break;
                default:
                    events.Add(Utf8("data: " + ValidReplies.OneLine(ValidReplies.Json(context, Step.FalStatusStream, terminal: false)) + newline + newline));
                    notes.Add("a valid IN_PROGRESS event");
                    break;
            }
        }

        var spec = new ReplySpec
        {
            Kind = "status stream: " + string.Join("; ", notes),
            Hostile = true,
            Body = events.SelectMany(e => e).ToArray(),
        };
        if (rng.Next(4) == 0)
        {
            spec.End = BodyEnd.NeverEnds;
            spec.CutAt = spec.Body.Length;
        }

        spec.ContentHeaders.Add(("Content-Type", rng.Next(6) == 0 ? "application/json" : "text/event-stream"));
        return spec;
    }

    /// <summary>Makes a JSON body one line, so an SSE data line holds all of it (raw splices may hold newlines).</summary>
    private static byte[] Flatten(byte[] json) => json.Select(b => b is (byte)'\n' or (byte)'\r' ? (byte)' ' : b).ToArray();

    private static ReplySpec WithHeadersOf(this ReplySpec spec, ReplySpec from)
    {
        spec.Headers.AddRange(from.Headers);
        spec.ContentHeaders.AddRange(from.ContentHeaders);
        return spec;
    }
}
