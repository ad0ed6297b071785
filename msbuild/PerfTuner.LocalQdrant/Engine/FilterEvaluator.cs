using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Engine;

/// <summary>
/// Evaluates Qdrant filters against one point: must (all), should (at least one), must_not (none), min_should,
/// nested filters, has_id, has_vector, is_empty, is_null, match keyword/integer/bool/any/except (any array element
/// counts) and numeric range / values_count. Paths are dotted (<c>a.b</c>, <c>a[].b</c>) through objects and arrays.
/// </summary>
internal static class FilterEvaluator
{
    /// <summary>Rejects what this stand-in cannot evaluate before any point is looked at, so errors never depend on data.</summary>
    public static void Validate(Filter? filter)
    {
        if (filter is null)
        {
            return;
        }

        foreach (var condition in filter.Must.Concat(filter.Should).Concat(filter.MustNot)
                     .Concat(filter.MinShould?.Conditions ?? Enumerable.Empty<Condition>()))
        {
            Validate(condition);
        }
    }

    public static bool Matches(Filter? filter, PointKey id, IReadOnlyDictionary<string, Value> payload, Func<string, bool> hasVector)
    {
        if (filter is null)
        {
            return true;
        }

        // Indexed loops: RepeatedField's enumerator is a heap object, and this runs once per point in a scan.
        var must = filter.Must;
        for (var i = 0; i < must.Count; i++)
        {
            if (!Matches(must[i], id, payload, hasVector))
            {
                return false;
            }
        }

        var mustNot = filter.MustNot;
        for (var i = 0; i < mustNot.Count; i++)
        {
            if (Matches(mustNot[i], id, payload, hasVector))
            {
                return false;
            }
        }

        if (filter.Should.Count > 0)
        {
            var any = false;
            var should = filter.Should;
            for (var i = 0; i < should.Count && !any; i++)
            {
                any = Matches(should[i], id, payload, hasVector);
            }

            if (!any)
            {
                return false;
            }
        }

        if (filter.MinShould is { } minShould && minShould.Conditions.Count > 0)
        {
            var satisfied = minShould.Conditions.Count(c => Matches(c, id, payload, hasVector));
            if ((ulong)satisfied < minShould.MinCount)
            {
                return false;
            }
        }

        return true;
    }

    private static void Validate(Condition condition)
    {
        switch (condition.ConditionOneOfCase)
        {
            case Condition.ConditionOneOfOneofCase.Filter:
                Validate(condition.Filter);
                break;
            case Condition.ConditionOneOfOneofCase.HasId:
                foreach (var id in condition.HasId.HasId)
                {
                    PointKey.From(id);
                }

                break;
            case Condition.ConditionOneOfOneofCase.IsEmpty:
            case Condition.ConditionOneOfOneofCase.IsNull:
            case Condition.ConditionOneOfOneofCase.HasVector:
                break;
            case Condition.ConditionOneOfOneofCase.Field:
                ValidateField(condition.Field);
                break;
            case Condition.ConditionOneOfOneofCase.Nested:
                throw RequestException.Unsupported("The nested filter condition");
            default:
                throw RequestException.InvalidArgument("Wrong input: filter condition is empty");
        }
    }

    private static void ValidateField(FieldCondition field)
    {
        if (string.IsNullOrEmpty(field.Key))
        {
            throw RequestException.InvalidArgument("Wrong input: field condition has an empty key");
        }

        if (field.GeoBoundingBox is not null || field.GeoRadius is not null || field.GeoPolygon is not null)
        {
            throw RequestException.Unsupported("A geo filter condition");
        }

        if (field.DatetimeRange is not null)
        {
            throw RequestException.Unsupported("A datetime_range filter condition");
        }

        if (field.Match is { } match)
        {
            switch (match.MatchValueCase)
            {
                case Match.MatchValueOneofCase.Keyword:
                case Match.MatchValueOneofCase.Integer:
                case Match.MatchValueOneofCase.Boolean:
                case Match.MatchValueOneofCase.Keywords:
                case Match.MatchValueOneofCase.Integers:
                case Match.MatchValueOneofCase.ExceptKeywords:
                case Match.MatchValueOneofCase.ExceptIntegers:
                    break;
                case Match.MatchValueOneofCase.None:
                    throw RequestException.InvalidArgument($"Wrong input: match on `{field.Key}` has no value");
                default:
                    throw RequestException.Unsupported($"Full-text match ({match.MatchValueCase}) on `{field.Key}`");
            }
        }

        if (field.Match is null && field.Range is null && field.ValuesCount is null && !field.HasIsEmpty && !field.HasIsNull)
        {
            throw RequestException.InvalidArgument($"Wrong input: field condition on `{field.Key}` has nothing to check");
        }
    }

    private static bool Matches(Condition condition, PointKey id, IReadOnlyDictionary<string, Value> payload, Func<string, bool> hasVector)
    {
        switch (condition.ConditionOneOfCase)
        {
            case Condition.ConditionOneOfOneofCase.Filter:
                return Matches(condition.Filter, id, payload, hasVector);
            case Condition.ConditionOneOfOneofCase.HasId:
                return condition.HasId.HasId.Any(candidate => PointKey.From(candidate) == id);
            case Condition.ConditionOneOfOneofCase.HasVector:
                return hasVector(condition.HasVector.HasVector);
            case Condition.ConditionOneOfOneofCase.IsEmpty:
                return IsEmpty(PayloadPath.Resolve(payload, condition.IsEmpty.Key));
            case Condition.ConditionOneOfOneofCase.IsNull:
                return IsNull(PayloadPath.Resolve(payload, condition.IsNull.Key));
            case Condition.ConditionOneOfOneofCase.Field:
                return MatchesField(condition.Field, payload);
            default:
                return false;
        }
    }

    private static bool MatchesField(FieldCondition field, IReadOnlyDictionary<string, Value> payload)
    {
        // Hot path of every filtered scan: plain loops, no closures.
        var values = PayloadPath.Resolve(payload, field.Key);
        if (field.Match is { } match && !AnyMatches(match, values) && !MatchesExcept(match, values))
        {
            return false;
        }

        if (field.Range is { } range && !AnyInRange(range, values))
        {
            return false;
        }

        if (field.ValuesCount is { } count && !CountMatches(count, CountNonNull(values)))
        {
            return false;
        }

        if (field.HasIsEmpty && IsEmpty(values) != field.IsEmpty)
        {
            return false;
        }

        if (field.HasIsNull && IsNull(values) != field.IsNull)
        {
            return false;
        }

        return true;
    }

    private static bool AnyMatches(Match match, IReadOnlyList<Value> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (MatchesValue(match, values[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyInRange(Qdrant.Client.Grpc.Range range, IReadOnlyList<Value> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (InRange(range, values[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static int CountNonNull(IReadOnlyList<Value> values)
    {
        var count = 0;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].KindCase != Value.KindOneofCase.NullValue)
            {
                count++;
            }
        }

        return count;
    }

    private static bool MatchesValue(Match match, Value value) => match.MatchValueCase switch
    {
        Match.MatchValueOneofCase.Keyword => value.KindCase == Value.KindOneofCase.StringValue && value.StringValue == match.Keyword,
        Match.MatchValueOneofCase.Integer => value.KindCase == Value.KindOneofCase.IntegerValue && value.IntegerValue == match.Integer,
        Match.MatchValueOneofCase.Boolean => value.KindCase == Value.KindOneofCase.BoolValue && value.BoolValue == match.Boolean,
        Match.MatchValueOneofCase.Keywords => value.KindCase == Value.KindOneofCase.StringValue && match.Keywords.Strings.Contains(value.StringValue),
        Match.MatchValueOneofCase.Integers => value.KindCase == Value.KindOneofCase.IntegerValue && match.Integers.Integers.Contains(value.IntegerValue),
        _ => false,
    };

    /// <summary>"except" matches when at least one stored value is outside the list (Qdrant's rule for arrays).</summary>
    private static bool MatchesExcept(Match match, IReadOnlyList<Value> values) => match.MatchValueCase switch
    {
        Match.MatchValueOneofCase.ExceptKeywords => values.Any(v =>
            v.KindCase != Value.KindOneofCase.StringValue || !match.ExceptKeywords.Strings.Contains(v.StringValue)),
        Match.MatchValueOneofCase.ExceptIntegers => values.Any(v =>
            v.KindCase != Value.KindOneofCase.IntegerValue || !match.ExceptIntegers.Integers.Contains(v.IntegerValue)),
        _ => false,
    };

    private static bool InRange(Qdrant.Client.Grpc.Range range, Value value)
    {
        double number;
        switch (value.KindCase)
        {
            case Value.KindOneofCase.IntegerValue:
                number = value.IntegerValue;
                break;
            case Value.KindOneofCase.DoubleValue:
                number = value.DoubleValue;
                break;
            default:
                return false;
        }

        return (!range.HasLt || number < range.Lt)
            && (!range.HasGt || number > range.Gt)
            && (!range.HasLte || number <= range.Lte)
            && (!range.HasGte || number >= range.Gte);
    }

    private static bool CountMatches(ValuesCount count, int actual) =>
        (!count.HasLt || (ulong)actual < count.Lt)
        && (!count.HasGt || (ulong)actual > count.Gt)
        && (!count.HasLte || (ulong)actual <= count.Lte)
        && (!count.HasGte || (ulong)actual >= count.Gte);

    private static bool IsEmpty(IReadOnlyList<Value> values) => values.All(v => v.KindCase == Value.KindOneofCase.NullValue);

    private static bool IsNull(IReadOnlyList<Value> values) => values.Any(v => v.KindCase == Value.KindOneofCase.NullValue);
}
