#!/usr/bin/env bash
# The house rules of README's Layout, checked on the tree and the build:
#  1. a file includes only files of its own folder and of the folders its
#     folder may include (the table below, which README's Layout draws);
#  2. no file of the library or the command line depends on a file that
#     depends back on it: the calls between object files (nm) have no cycle;
#  3. README's Layout names every folder of compiler/ and no other.
# usage: test_layering.sh BINDC  (BINDC_SOURCE_DIR, BINDC_BUILD_DIR from ctest)
set -euo pipefail
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BINDC_BUILD_DIR:-$(dirname "$1")}
cd "$src"

perl - "$build" <<'PERL'
use strict; use warnings;
use File::Find;
my $build = shift;

# Which folders each folder may include (besides itself): the flow of
# README's Layout, from the bottom up.
my %may = (
    'compiler/base'    => [],
    'compiler/diag'    => [qw(base)],
    'compiler/model'   => [qw(base diag)],
    'compiler/syntax'  => [qw(base diag model)],
    'runtime'          => [qw(base model)],
    'compiler/check'   => [qw(base diag model syntax runtime)],
    'compiler/backend' => [qw(base diag model runtime)],
    'compiler/import'  => [qw(base diag model syntax)],
    'compiler/lsp'     => [qw(base diag model syntax runtime check)],
    'compiler/driver'  => [qw(base diag model syntax runtime check backend import lsp)],
    'grammar'          => [qw(base diag model syntax)],   # the generated lexers and parser
);
# Made in the build tree by re2c, Bison and the stdlib embedding.
my %generated = map { $_ => 1 } qw(parser.h stdlib.inc);
my $fail = 0;

# ---- 1. includes ----------------------------------------------------------
my @files;
find(sub { push @files, $File::Find::name if /\.(c|h|def|re|y)$/ }, 'compiler', 'runtime', 'grammar');
for my $f (sort @files) {
    (my $dir = $f) =~ s{/[^/]+$}{};
    unless (exists $may{$dir}) { print "layering: $f is in $dir, a folder the Layout does not name\n"; $fail = 1; next; }
    open my $fh, '<', $f or die "$f: $!";
    while (my $line = <$fh>) {
        next unless $line =~ /^\s*#\s*include\s+"([^"]+)"/;
        my $inc = $1;
        if ($inc !~ m{/}) {
            next if -e "$dir/$inc" || $generated{$inc};
            print "layering: $f:$.: includes \"$inc\", which is not in $dir\n"; $fail = 1; next;
        }
        my ($top) = $inc =~ m{^([^/]+)/};
        my $target = $top eq 'runtime' ? 'runtime' : "compiler/$top";
        unless (-e ($top eq 'runtime' ? $inc : "compiler/$inc")) {
            print "layering: $f:$.: includes \"$inc\", which does not exist\n"; $fail = 1; next;
        }
        next if $target eq $dir;
        unless (grep { $_ eq $top } @{$may{$dir}}) {
            print "layering: $f:$.: $dir may not include $target (\"$inc\"): it comes later in the flow\n";
            $fail = 1;
        }
    }
}

# ---- 2. no file depends on a file that depends back on it -------------------
my @objs;
for my $d ("$build/CMakeFiles/bindc_lib.dir", "$build/CMakeFiles/bindc.dir") {
    find(sub { push @objs, $File::Find::name if /\.c\.o$/ }, $d) if -d $d;
}
die "layering: no object files under $build/CMakeFiles\n" unless @objs > 20;
my (%def, %undef);
for my $o (@objs) {
    (my $name = $o) =~ s{^\Q$build\E/CMakeFiles/[^/]+\.dir/}{};
    $name =~ s{\.o$}{};
    $name =~ s{^gen/}{build:gen/};
    for (`nm "$o"`) {
        if (/^\S+\s+[TDBRC]\s+(\S+)$/) { $def{$1} = $name }
        elsif (/^\s+U\s+(\S+)$/) { push @{$undef{$name}}, $1 }
    }
}
my %edge;    # file -> file -> [symbols]
for my $n (keys %undef) {
    for my $s (@{$undef{$n}}) {
        my $t = $def{$s};
        push @{$edge{$n}{$t}}, $s if defined $t && $t ne $n;
    }
}
# Tarjan's strongly connected components.
my ($index, @stack, %idx, %low, %on, @sccs) = (0);
my %nodes = map { $_ => 1 } (keys %edge, map { keys %$_ } values %edge);
sub visit {
    my $v = shift;
    $idx{$v} = $low{$v} = $index++; push @stack, $v; $on{$v} = 1;
    for my $w (sort keys %{$edge{$v} || {}}) {
        if (!exists $idx{$w}) { visit($w); $low{$v} = $low{$w} if $low{$w} < $low{$v} }
        elsif ($on{$w}) { $low{$v} = $idx{$w} if $idx{$w} < $low{$v} }
    }
    if ($low{$v} == $idx{$v}) {
        my @c;
        while (1) { my $w = pop @stack; $on{$w} = 0; push @c, $w; last if $w eq $v }
        push @sccs, [sort @c] if @c > 1;
    }
}
for my $v (sort keys %nodes) { visit($v) unless exists $idx{$v} }
for my $c (@sccs) {
    print "layering: these files call each other in a cycle:\n";
    my %in = map { $_ => 1 } @$c;
    for my $a (@$c) {
        for my $b (sort keys %{$edge{$a} || {}}) {
            print "  $a -> $b: ", join(' ', sort @{$edge{$a}{$b}}), "\n" if $in{$b};
        }
    }
    $fail = 1;
}
printf "layering: %d object files, %d dependencies between them, no cycle\n",
    scalar @objs, scalar(map { keys %$_ } values %edge) unless @sccs;

# ---- 3. README's Layout and the folders agree ------------------------------
open my $rd, '<', 'README.md' or die "README.md: $!";
my $readme = do { local $/; <$rd> };
my ($layout) = $readme =~ /^## Layout\n(.*?)(?=^## )/ms or die "layering: README has no Layout section\n";
my %named = map { $_ => 1 } $layout =~ m{\bcompiler/([a-z_]+)/}g;
opendir my $dh, 'compiler' or die;
my %there = map { $_ => 1 } grep { -d "compiler/$_" && !/^\./ } readdir $dh;
for (sort keys %there) { unless ($named{$_}) { print "layering: README's Layout does not name compiler/$_/\n"; $fail = 1 } }
for (sort keys %named) { unless ($there{$_}) { print "layering: README's Layout names compiler/$_/, which does not exist\n"; $fail = 1 } }

exit $fail;
PERL
