"use client";
import * as Slider from "@radix-ui/react-slider";
import { useEffect, useId, useState } from "react";
import { formatPercent } from "~/lib/format";
import { roundPercent } from "./rollout-values";

const STOPS = [0, 10, 50, 100];

/**
 * The share of new orders routed to the new system: a slider (arrow keys 1 %, Page Up/Down 10 %,
 * Home/End), the plan's stops as buttons, and a number field for 0.01 % precision.
 */
export function PercentSlider({
  value,
  onChange,
  disabled = false,
}: {
  value: number;
  onChange: (value: number) => void;
  disabled?: boolean;
}) {
  const labelId = useId();
  const numberId = useId();
  const [text, setText] = useState(String(value));
  // The field follows the slider and the stops, but not while its own text is being typed.
  useEffect(() => {
    setText((current) => (Number(current) === value ? current : String(value)));
  }, [value]);
  return (
    <fieldset className="percent-control" disabled={disabled}>
      <legend id={labelId} className="field-legend">
        Share of new orders routed to the new system
      </legend>
      <div className="percent-row">
        <Slider.Root
          className="slider-root"
          value={[value]}
          min={0}
          max={100}
          step={1}
          disabled={disabled}
          onValueChange={([next]) => next !== undefined && onChange(roundPercent(next))}
        >
          <Slider.Track className="slider-track">
            <Slider.Range className="slider-range" />
          </Slider.Track>
          <Slider.Thumb
            className="slider-thumb"
            aria-labelledby={labelId}
            aria-valuetext={`${formatPercent(value)} of new orders to the new system`}
          />
        </Slider.Root>
        <label htmlFor={numberId} className="hint">
          Exact percent (0.01 steps)
        </label>
        <input
          id={numberId}
          className="percent-number"
          type="number"
          inputMode="decimal"
          min={0}
          max={100}
          step={0.01}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            const parsed = Number(event.target.value);
            if (event.target.value !== "" && Number.isFinite(parsed)) onChange(roundPercent(parsed));
          }}
          onBlur={() => setText(String(value))}
        />
        <span aria-hidden="true">%</span>
      </div>
      <fieldset className="stops">
        <legend className="visually-hidden">Rollout stops</legend>
        {STOPS.map((stop) => (
          <button
            key={stop}
            type="button"
            className="button button-small"
            aria-pressed={value === stop}
            onClick={() => onChange(stop)}
          >
            {formatPercent(stop)}
          </button>
        ))}
      </fieldset>
    </fieldset>
  );
}
