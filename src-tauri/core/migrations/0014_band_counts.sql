-- Steward portfolio, schema 14: how many accounts were in each health band
-- on each day, kept beside the history points. The portfolio's band chart
-- counted the points of a year, one per account per day: 1.5 million on a
-- 5,000-account book after a year of daily use, 120-150 ms for every look
-- at the metrics screen. Triggers keep the counts with every point
-- written, changed or deleted (an account's removal included), so no
-- writer can forget them.
CREATE TABLE health_band_days (
    day    TEXT PRIMARY KEY,
    green  INTEGER NOT NULL DEFAULT 0,
    yellow INTEGER NOT NULL DEFAULT 0,
    red    INTEGER NOT NULL DEFAULT 0,
    -- Points without a band (too little data): the day still has a point.
    other  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO health_band_days(day, green, yellow, red, other)
SELECT day, sum(band = 'green'), sum(band = 'yellow'), sum(band = 'red'),
       sum(band NOT IN ('green', 'yellow', 'red'))
FROM health_history GROUP BY day;

CREATE TRIGGER health_history_band_ai AFTER INSERT ON health_history BEGIN
    INSERT INTO health_band_days(day, green, yellow, red, other)
    VALUES (new.day, new.band = 'green', new.band = 'yellow', new.band = 'red',
            new.band NOT IN ('green', 'yellow', 'red'))
    ON CONFLICT(day) DO UPDATE SET
        green = green + excluded.green, yellow = yellow + excluded.yellow,
        red = red + excluded.red, other = other + excluded.other;
END;

CREATE TRIGGER health_history_band_ad AFTER DELETE ON health_history BEGIN
    UPDATE health_band_days SET
        green = green - (old.band = 'green'), yellow = yellow - (old.band = 'yellow'),
        red = red - (old.band = 'red'), other = other - (old.band NOT IN ('green', 'yellow', 'red'))
    WHERE day = old.day;
END;

CREATE TRIGGER health_history_band_au AFTER UPDATE OF day, band ON health_history
WHEN old.day IS NOT new.day OR old.band IS NOT new.band BEGIN
    UPDATE health_band_days SET
        green = green - (old.band = 'green'), yellow = yellow - (old.band = 'yellow'),
        red = red - (old.band = 'red'), other = other - (old.band NOT IN ('green', 'yellow', 'red'))
    WHERE day = old.day;
    INSERT INTO health_band_days(day, green, yellow, red, other)
    VALUES (new.day, new.band = 'green', new.band = 'yellow', new.band = 'red',
            new.band NOT IN ('green', 'yellow', 'red'))
    ON CONFLICT(day) DO UPDATE SET
        green = green + excluded.green, yellow = yellow + excluded.yellow,
        red = red + excluded.red, other = other + excluded.other;
END;
