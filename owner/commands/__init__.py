"""``shopctl``'s command groups, one module each: ``add_commands`` adds the group to the
parser, and each command's handler takes the parsed arguments and prints its result."""
