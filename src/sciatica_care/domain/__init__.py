"""Pure clinical and program logic: values in, values out; no I/O, no clock, no database."""
